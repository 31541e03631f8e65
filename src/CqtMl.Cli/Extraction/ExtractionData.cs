using CqtMl.MLNet;
using CqtMl.MLNet.DataSources;

namespace CqtMl.Cli.Extraction;

/// <summary>
/// The tracks of a data root, in a fixed order: a MusicNet layout (<c>train_data</c>/<c>test_data</c> with labels:
/// register targets are extracted too), an FMA layout (<c>fma_metadata</c> and <c>fma_&lt;subset&gt;</c>), or any
/// folder of audio files (searched recursively).
/// </summary>
internal static class ExtractionData
{
    /// <summary>The extensions of audio files in a plain folder.</summary>
    public static readonly string[] AudioExtensions = { ".wav", ".mp3", ".ogg", ".flac", ".m4a", ".opus", ".aiff", ".aif" };

    /// <summary>Lists the tracks of <paramref name="root"/>, sorted by id.</summary>
    /// <param name="root">The data root.</param>
    /// <param name="fmaSubset">The FMA subset to read, for an FMA layout.</param>
    /// <returns>The tracks.</returns>
    public static IReadOnlyList<ExtractionTrack> Read(string root, FmaSubset fmaSubset)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"{root}: no such data folder");
        }

        string full = Path.GetFullPath(root);
        IEnumerable<ExtractionTrack> tracks;
        if (Directory.Exists(Path.Combine(full, "train_data")) || Directory.Exists(Path.Combine(full, "test_data")))
        {
            tracks = MusicNet.Read(full).Select(r => new ExtractionTrack(r.Id, Relative(full, r.Path), r.Path, r));
        }
        else if (Directory.Exists(Path.Combine(full, "fma_metadata")))
        {
            tracks = Fma.Read(full, new FmaOptions { Subset = fmaSubset }).Select(t => new ExtractionTrack(t.TrackId.ToString("D6", System.Globalization.CultureInfo.InvariantCulture), Relative(full, t.Path), t.Path, null));
        }
        else
        {
            tracks = Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)
                .Where(f => AudioExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Select(f =>
                {
                    string source = Relative(full, f);
                    return new ExtractionTrack(source[..^Path.GetExtension(source).Length], source, f, null);
                });
        }

        List<ExtractionTrack> list = tracks.OrderBy(t => t.Id, StringComparer.Ordinal).ToList();
        string? repeated = list.Zip(list.Skip(1)).Where(p => p.First.Id == p.Second.Id).Select(p => p.First.Id).FirstOrDefault();
        if (repeated is not null)
        {
            throw new InvalidDataException($"{root}: two audio files have the track id '{repeated}'");
        }

        return list;
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');
}
