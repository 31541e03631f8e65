using System.Globalization;

namespace CqtMl.Cli.Extraction;

/// <summary>One extracted track: a line of a manifest (tab-separated, in this order).</summary>
/// <param name="TrackId">The track's id.</param>
/// <param name="Source">The audio file, relative to the data root.</param>
/// <param name="Frames">The CQT's frame count (0 for a failed track).</param>
/// <param name="CqtFile">The CQT's .npy file, relative to the output folder (empty for a failed track).</param>
/// <param name="CqtSha256">The SHA-256 of that file, lowercase hex.</param>
/// <param name="TargetsFile">The register targets' .npy file (MusicNet layouts), or empty.</param>
/// <param name="TargetsSha256">The SHA-256 of that file, or empty.</param>
/// <param name="Error">Why the track could not be extracted, or empty.</param>
internal sealed record ManifestEntry(string TrackId, string Source, int Frames, string CqtFile, string CqtSha256, string TargetsFile, string TargetsSha256, string Error)
{
    /// <summary>The column names, the manifest's second line.</summary>
    public const string Columns = "track_id\tsource\tframes\tcqt_file\tcqt_sha256\ttargets_file\ttargets_sha256\terror";

    private const int FieldCount = 8;

    /// <summary>Gets a value indicating whether the track failed.</summary>
    public bool Failed => Error.Length > 0;

    /// <summary>Parses a line; null when it is not a whole entry (a line cut short by a kill, say).</summary>
    /// <param name="line">The line, without its end.</param>
    /// <returns>The entry or null.</returns>
    public static ManifestEntry? Parse(string line)
    {
        string[] f = line.Split('\t');
        if (f.Length != FieldCount || f[0].Length == 0 || !int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out int frames))
        {
            return null;
        }

        var entry = new ManifestEntry(f[0], f[1], frames, f[3], f[4], f[5], f[6], f[7]);
        return entry.Failed == (entry.CqtFile.Length == 0) && entry.CqtFile.Length > 0 == (entry.CqtSha256.Length == 64) ? entry : null;
    }

    /// <summary>Formats the entry as its line (no line end).</summary>
    /// <returns>The line.</returns>
    public string ToLine() => string.Join('\t', TrackId, Source, Frames.ToString(CultureInfo.InvariantCulture), CqtFile, CqtSha256, TargetsFile, TargetsSha256, Error.ReplaceLineEndings(" ").Replace('\t', ' '));
}
