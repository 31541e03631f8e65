using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CqtMl.Audio.Cqt;

namespace CqtMl.Cli.Extraction;

/// <summary>
/// The manifests of an extraction: one per shard (<c>manifest/shard-i-of-n.tsv</c>, appended a line per finished
/// track and flushed to disk, so a kill loses at most the line being written) and the merged one (<c>manifest.tsv</c>,
/// sorted by track id). Each starts with a line naming the format and every parameter that determines the files, then
/// the column names.
/// </summary>
internal static class ExtractionManifest
{
    /// <summary>The folder of the shard manifests, under the output folder.</summary>
    public const string ShardFolder = "manifest";

    /// <summary>The merged manifest's name, in the output folder.</summary>
    public const string MergedName = "manifest.tsv";

    /// <summary>Describes every parameter that determines the output files.</summary>
    /// <param name="cqt">The CQT options.</param>
    /// <param name="maxDurationSeconds">The fixed duration, or null.</param>
    /// <param name="format">The file format.</param>
    /// <returns>The description.</returns>
    public static string Parameters(CqtOptions cqt, double? maxDurationSeconds, string format) => string.Create(
        CultureInfo.InvariantCulture,
        $"sample_rate={cqt.SampleRate};hop_length={cqt.HopLength};bins={cqt.BinCount};bins_per_octave={cqt.BinsPerOctave};fmin={cqt.FMin:R};channels={cqt.Channels.ToString().ToLowerInvariant()};max_duration={(maxDurationSeconds is double d ? d.ToString("R", CultureInfo.InvariantCulture) : "none")};format={format}");

    /// <summary>Gets the first line of a manifest.</summary>
    /// <param name="parameters">The parameters' description.</param>
    /// <returns>The line.</returns>
    public static string Header(string parameters) => $"# cqtml extract v1 {parameters}";

    /// <summary>
    /// Reads a manifest and keeps the entries whose files are there with the recorded SHA-256 (a failed track's entry is
    /// kept as it is). A line cut short, a missing or altered file drops the entry: its track is extracted again.
    /// </summary>
    /// <param name="path">The manifest.</param>
    /// <param name="outDir">The output folder the entries' files are relative to.</param>
    /// <param name="checkFiles">
    /// False when this process has just written or checked every entry's files (the merge that ends a whole, unsharded
    /// job): only lines cut short are dropped then, and the files are not read and hashed a second time.
    /// </param>
    /// <returns>The header line, the kept entries and how many lines were dropped.</returns>
    public static (string Header, List<ManifestEntry> Entries, int Dropped) ReadVerified(string path, string outDir, bool checkFiles = true)
    {
        string text = File.ReadAllText(path, Encoding.UTF8);
        string[] lines = text.Split('\n');
        if (lines.Length < 2 || lines[0].Length == 0 || !lines[0].StartsWith("# cqtml extract v1 ", StringComparison.Ordinal) || lines[1] != ManifestEntry.Columns)
        {
            throw new InvalidDataException($"{path}: not a manifest of cqtml extract (its first two lines are not the header and the column names)");
        }

        var entries = new List<ManifestEntry>();
        int dropped = 0;

        // The last element follows the final line end: empty, or a line a kill cut short.
        for (int i = 2; i < lines.Length; i++)
        {
            if (i == lines.Length - 1 && lines[i].Length == 0)
            {
                break;
            }

            ManifestEntry? entry = i < lines.Length - 1 ? ManifestEntry.Parse(lines[i]) : null;
            if (entry is not null && (!checkFiles || FilesMatch(entry, outDir)))
            {
                entries.Add(entry);
            }
            else
            {
                dropped++;
            }
        }

        return (lines[0], entries, dropped);
    }

    /// <summary>Writes a manifest atomically.</summary>
    /// <param name="path">The file.</param>
    /// <param name="parameters">The parameters' description.</param>
    /// <param name="entries">The entries, in the order to write.</param>
    public static void Write(string path, string parameters, IEnumerable<ManifestEntry> entries)
    {
        var text = new StringBuilder();
        text.Append(Header(parameters)).Append('\n').Append(ManifestEntry.Columns).Append('\n');
        foreach (ManifestEntry entry in entries)
        {
            text.Append(entry.ToLine()).Append('\n');
        }

        Audio.IO.AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>Gets the lowercase hex SHA-256 of bytes.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The hash.</returns>
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Gets whether an entry's files exist with the recorded hashes.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="outDir">The output folder.</param>
    /// <returns>Whether they do.</returns>
    public static bool FilesMatch(ManifestEntry entry, string outDir) =>
        entry.Failed || (FileMatches(outDir, entry.CqtFile, entry.CqtSha256) && (entry.TargetsFile.Length == 0 || FileMatches(outDir, entry.TargetsFile, entry.TargetsSha256)));

    private static bool FileMatches(string outDir, string relative, string sha256)
    {
        string path = Path.Combine(outDir, relative);
        if (!File.Exists(path))
        {
            return false;
        }

        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream)) == sha256;
    }
}
