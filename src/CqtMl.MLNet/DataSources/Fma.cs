using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CqtMl.Audio.Decoding;

namespace CqtMl.MLNet.DataSources;

/// <summary>
/// Reads the FMA layout: <c>fma_metadata/tracks.csv</c> (three header rows: column group, column name, index name),
/// <c>fma_metadata/genres.csv</c>, and audio as <c>fma_&lt;subset&gt;/AAA/AAABBB.mp3</c>.
/// </summary>
public static class Fma
{
    /// <summary>Lists the tracks of a subset and split.</summary>
    /// <param name="root">The folder holding <c>fma_metadata</c> and the <c>fma_&lt;subset&gt;</c> audio folders.</param>
    /// <param name="options">Subset, split and bad-track handling.</param>
    /// <returns>The tracks; with <see cref="FmaBadTrackHandling.Skip"/> bad tracks are checked and left out lazily.</returns>
    /// <exception cref="InvalidDataException">The metadata is malformed, or (with Throw) some tracks are bad.</exception>
    public static IEnumerable<FmaTrack> Read(string root, FmaOptions? options = null)
    {
        options ??= new FmaOptions();
        ArgumentException.ThrowIfNullOrEmpty(root);
        string tracksCsv = Path.Combine(root, "fma_metadata", "tracks.csv");
        if (!File.Exists(tracksCsv))
        {
            throw new FileNotFoundException($"FMA metadata '{tracksCsv}' does not exist.", tracksCsv);
        }

        Dictionary<int, string> genreTitles = ReadGenres(Path.Combine(root, "fma_metadata", "genres.csv"));
        string audio = Path.Combine(root, "fma_" + options.Subset.ToString().ToLowerInvariant());
        var tracks = ReadTracks(tracksCsv, audio, genreTitles)
            .Where(t => InSubset(t.Subset, options.Subset) && (options.Split is null || t.Split == SplitName(options.Split.Value)))
            .ToList();

        if (options.BadTracks == FmaBadTrackHandling.Throw)
        {
            var problems = tracks.Select(Check).OfType<FmaProblem>().ToList();
            if (problems.Count > 0)
            {
                throw new InvalidDataException($"{problems.Count} FMA track(s) cannot be used: " + string.Join("; ", problems.Select(p => $"track {p.TrackId} ({p.Path}): {p.Reason}")));
            }

            return tracks;
        }

        Action<FmaProblem> report = options.OnSkipped ?? (p => Trace.TraceWarning($"FMA track {p.TrackId} skipped: {p.Path}: {p.Reason}"));
        return SkipBad(tracks, report);
    }

    /// <summary>Checks that a track's file exists, is not empty and has a decodable structure.</summary>
    /// <param name="track">The track.</param>
    /// <returns>The problem, or null when the file is usable.</returns>
    public static FmaProblem? Check(FmaTrack track)
    {
        ArgumentNullException.ThrowIfNull(track);
        var file = new FileInfo(track.Path);
        if (!file.Exists)
        {
            return new FmaProblem(track.TrackId, track.Path, "file missing");
        }

        if (file.Length == 0)
        {
            return new FmaProblem(track.TrackId, track.Path, "file empty");
        }

        try
        {
            using AudioReader reader = AudioDecoder.Open(track.Path);
            return reader.FrameCount == 0 ? new FmaProblem(track.TrackId, track.Path, "no audio") : null;
        }
        catch (AudioFormatException e)
        {
            return new FmaProblem(track.TrackId, track.Path, e.Reason);
        }
    }

    /// <summary>Gets the relative audio path of a track id: <c>AAA/AAABBB.mp3</c>.</summary>
    /// <param name="trackId">The track id.</param>
    /// <returns>The path relative to an <c>fma_&lt;subset&gt;</c> folder.</returns>
    public static string AudioPath(int trackId)
    {
        string id = trackId.ToString("D6", CultureInfo.InvariantCulture);
        return Path.Combine(id[..3], id + ".mp3");
    }

    /// <summary>
    /// The usable tracks, checked lazily. Every cursor enumerates them again (ExtractCqt's prefetch runs a second one
    /// beside the consumer's), so each file's verdict is kept and the file probed again only when its length or time of
    /// writing changed; a problem is reported when it is found, not on every pass.
    /// </summary>
    private static IEnumerable<FmaTrack> SkipBad(List<FmaTrack> tracks, Action<FmaProblem> report)
    {
        var verdicts = new ConcurrentDictionary<string, Verdict>(StringComparer.Ordinal);
        return Usable();

        IEnumerable<FmaTrack> Usable()
        {
            foreach (FmaTrack track in tracks)
            {
                var file = new FileInfo(track.Path);
                (long length, DateTime written) = file.Exists ? (file.Length, file.LastWriteTimeUtc) : (-1, default);
                if (!verdicts.TryGetValue(track.Path, out Verdict? verdict) || verdict.Length != length || verdict.WrittenUtc != written)
                {
                    verdict = new Verdict(length, written, Check(track));
                    verdicts[track.Path] = verdict;
                    if (verdict.Problem is FmaProblem found)
                    {
                        report(found);
                    }
                }

                if (verdict.Problem is null)
                {
                    yield return track;
                }
            }
        }
    }

    /// <summary>A file's check result and the state of the file it was made for.</summary>
    private sealed record Verdict(long Length, DateTime WrittenUtc, FmaProblem? Problem);

    private static bool InSubset(string trackSubset, FmaSubset wanted) => trackSubset switch
    {
        "small" => true,
        "medium" => wanted >= FmaSubset.Medium,
        "large" => wanted >= FmaSubset.Large,
        _ => wanted == FmaSubset.Full,
    };

    private static string SplitName(FmaSplit split) => split switch
    {
        FmaSplit.Training => "training",
        FmaSplit.Validation => "validation",
        _ => "test",
    };

    private static IEnumerable<FmaTrack> ReadTracks(string path, string audioFolder, Dictionary<int, string> genres)
    {
        using IEnumerator<string[]> records = CsvReader.ReadRecords(path).GetEnumerator();
        string[][] header = new string[3][];
        for (int h = 0; h < 3; h++)
        {
            if (!records.MoveNext())
            {
                throw new InvalidDataException($"{path}: expected three header rows");
            }

            header[h] = records.Current;
        }

        if (header[2].Length == 0 || header[2][0] != "track_id")
        {
            throw new InvalidDataException($"{path}: the third header row must start with 'track_id'");
        }

        // Column groups are written once per column: (group, name) identifies a column.
        int Column(string group, string name)
        {
            for (int j = 0; j < Math.Min(header[0].Length, header[1].Length); j++)
            {
                if (header[0][j] == group && header[1][j] == name)
                {
                    return j;
                }
            }

            throw new InvalidDataException($"{path}: no column ({group}, {name})");
        }

        int split = Column("set", "split"), subset = Column("set", "subset"), genreTop = Column("track", "genre_top");
        int genreIds = Column("track", "genres"), title = Column("track", "title"), artist = Column("artist", "name");
        int duration = Column("track", "duration");
        int expected = header[0].Length, line = 3;
        while (records.MoveNext())
        {
            line++;
            string[] r = records.Current;
            if (r.Length == 1 && r[0].Length == 0)
            {
                continue;
            }

            if (r.Length != expected)
            {
                throw new InvalidDataException($"{path}: record {line} has {r.Length} fields, {expected} expected");
            }

            if (!int.TryParse(r[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int id))
            {
                throw new InvalidDataException($"{path}: record {line} has no valid track_id ('{r[0]}')");
            }

            int[] ids = ParseIdList(r[genreIds]);

            yield return new FmaTrack
            {
                TrackId = id,
                Path = Path.GetFullPath(Path.Combine(audioFolder, AudioPath(id))),
                Subset = r[subset],
                Split = r[split],
                GenreTop = r[genreTop],
                GenreIds = ids,
                Genres = ids.Select(g => genres.TryGetValue(g, out string? name) ? name : g.ToString(CultureInfo.InvariantCulture)).ToArray(),
                Title = r[title],
                Artist = r[artist],
                DurationSeconds = float.TryParse(r[duration], NumberStyles.Float, CultureInfo.InvariantCulture, out float d) ? d : 0,
            };
        }
    }

    private static int[] ParseIdList(string text)
    {
        // FMA writes Python lists: "[21]", "[1, 38]", "[]".
        return text.Trim('[', ']', ' ').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
    }

    private static Dictionary<int, string> ReadGenres(string path)
    {
        var genres = new Dictionary<int, string>();
        if (!File.Exists(path))
        {
            return genres;
        }

        var rows = CsvReader.ReadRecords(path).ToList();
        int id = Array.IndexOf(rows[0], "genre_id"), title = Array.IndexOf(rows[0], "title");
        foreach (string[] row in rows.Skip(1).Where(r => r.Length > Math.Max(id, title)))
        {
            if (int.TryParse(row[id], NumberStyles.Integer, CultureInfo.InvariantCulture, out int g))
            {
                genres[g] = row[title];
            }
        }

        return genres;
    }
}
