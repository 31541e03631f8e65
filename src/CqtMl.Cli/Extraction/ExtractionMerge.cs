using System.Globalization;
using System.Text.RegularExpressions;
using CqtMl.MLNet;

namespace CqtMl.Cli.Extraction;

/// <summary>
/// Checks the shard manifests of an output folder against the data set and writes the merged <c>manifest.tsv</c>:
/// every shard of one n is there with the same parameters, every track appears once in the shard its id assigns,
/// every file is there with its recorded SHA-256. The merged manifest depends only on the data and the parameters, not
/// on n: n jobs and one job give the same bytes.
/// </summary>
internal static partial class ExtractionMerge
{
    /// <summary>Merges, or throws naming what is wrong.</summary>
    /// <param name="data">The data root.</param>
    /// <param name="outDir">The output folder.</param>
    /// <param name="fmaSubset">The FMA subset, for FMA layouts.</param>
    /// <param name="tracks">The data set's tracks when already read, or null to read them.</param>
    /// <param name="checkFiles">False right after a whole job in this process, which wrote or checked every file.</param>
    /// <returns>The number of tracks and of failed tracks.</returns>
    /// <exception cref="InvalidDataException">A shard is missing or incomplete, or a file does not verify.</exception>
    public static (int Tracks, int Failed) Run(string data, string outDir, FmaSubset fmaSubset, IReadOnlyList<ExtractionTrack>? tracks = null, bool checkFiles = true)
    {
        string folder = Path.Combine(outDir, ExtractionManifest.ShardFolder);
        var shards = (Directory.Exists(folder) ? Directory.GetFiles(folder, "shard-*-of-*.tsv") : Array.Empty<string>())
            .Select(f => (File: f, Match: ShardName().Match(Path.GetFileName(f))))
            .Where(s => s.Match.Success)
            .Select(s => (s.File, Index: int.Parse(s.Match.Groups[1].Value, CultureInfo.InvariantCulture), Count: int.Parse(s.Match.Groups[2].Value, CultureInfo.InvariantCulture)))
            .ToList();
        if (shards.Count == 0)
        {
            throw new InvalidDataException($"{folder}: no shard manifests (shard-<i>-of-<n>.tsv) to merge");
        }

        int[] counts = shards.Select(s => s.Count).Distinct().ToArray();
        if (counts.Length > 1)
        {
            throw new InvalidDataException($"{folder}: manifests of different shard counts ({string.Join(", ", counts)}); remove the stale ones");
        }

        int n = counts[0];
        int[] missing = Enumerable.Range(0, n).Except(shards.Select(s => s.Index)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidDataException($"{folder}: shard {string.Join(", ", missing.Select(m => $"{m}/{n}"))} has not run (no manifest)");
        }

        string? header = null;
        var entries = new Dictionary<string, ManifestEntry>(StringComparer.Ordinal);
        foreach ((string file, int index, _) in shards.OrderBy(s => s.Index))
        {
            (string shardHeader, List<ManifestEntry> kept, int dropped) = ExtractionManifest.ReadVerified(file, outDir, checkFiles);
            header ??= shardHeader;
            if (shardHeader != header)
            {
                throw new InvalidDataException($"{file}: written with other parameters than shard 0 ({shardHeader[2..]})");
            }

            if (dropped > 0)
            {
                throw new InvalidDataException($"{file}: {dropped} line(s) cut short or with missing or altered files; run shard {index}/{n} again to repair it");
            }

            foreach (ManifestEntry entry in kept)
            {
                if (ShardAssignment.Of(entry.TrackId, n) != index)
                {
                    throw new InvalidDataException($"{file}: track {entry.TrackId} belongs to shard {ShardAssignment.Of(entry.TrackId, n)}/{n}");
                }

                if (!entries.TryAdd(entry.TrackId, entry))
                {
                    throw new InvalidDataException($"{file}: track {entry.TrackId} appears twice");
                }
            }
        }

        tracks ??= ExtractionData.Read(data, fmaSubset);
        string[] absent = tracks.Where(t => !entries.ContainsKey(t.Id)).Select(t => t.Id).ToArray();
        if (absent.Length > 0)
        {
            throw new InvalidDataException($"{absent.Length} track(s) of {data} are in no manifest (for example {string.Join(", ", absent.Take(3))}): run their shards again");
        }

        string[] extra = entries.Keys.Except(tracks.Select(t => t.Id), StringComparer.Ordinal).ToArray();
        if (extra.Length > 0)
        {
            throw new InvalidDataException($"{extra.Length} manifest entries name tracks {data} does not have (for example {string.Join(", ", extra.Take(3))}): was --data another folder?");
        }

        string parameters = header![ExtractionManifest.Header(string.Empty).Length..];
        ExtractionManifest.Write(Path.Combine(outDir, ExtractionManifest.MergedName), parameters, entries.Values.OrderBy(e => e.TrackId, StringComparer.Ordinal));
        return (entries.Count, entries.Values.Count(e => e.Failed));
    }

    [GeneratedRegex(@"^shard-(\d+)-of-(\d+)\.tsv$")]
    private static partial Regex ShardName();
}
