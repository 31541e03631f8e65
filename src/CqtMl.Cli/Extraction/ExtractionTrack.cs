using CqtMl.MLNet;

namespace CqtMl.Cli.Extraction;

/// <summary>One track of a data set to extract.</summary>
/// <param name="Id">The track's identity (MusicNet recording id, FMA track id, or the path under the root without extension).</param>
/// <param name="Source">The audio file's path relative to the data root, with '/' separators.</param>
/// <param name="Path">The audio file's full path.</param>
/// <param name="Labels">The MusicNet labels, when the data set has them (register targets are written too).</param>
internal sealed record ExtractionTrack(string Id, string Source, string Path, MusicNetRecording? Labels);
