namespace CqtMl.Preferences.Comparisons;

/// <summary>A clip drawn from a data folder (<see cref="ClipDrawer"/>).</summary>
/// <param name="Source">The file, relative to the data folder, with <c>/</c> separators.</param>
/// <param name="OffsetSeconds">Where the clip starts in the decoded, resampled file.</param>
/// <param name="DurationSeconds">Its length.</param>
/// <param name="Cqt">Its CQT <c>[2, bins, Frames]</c>.</param>
/// <param name="Frames">T.</param>
public sealed record DrawnClip(string Source, double OffsetSeconds, double DurationSeconds, float[] Cqt, int Frames);
