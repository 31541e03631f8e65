using CqtMl.Audio.Cqt;

namespace CqtMl.Preferences.Comparisons;

/// <summary>
/// The CQT of a comparison row's clip, recomputed from the data folder with the row's CQT parameters (the rows of one
/// clip are consecutive, so the last clips are cached). Errors name the dataset, the pair and the file.
/// </summary>
/// <param name="dataRoot">The folder the rows' sources are relative to.</param>
/// <param name="datasetName">The dataset file, for messages.</param>
public sealed class ComparisonClips(string dataRoot, string datasetName)
{
    private const int Cached = 4;
    private const int CachedFiles = 8;
    private readonly List<(string Key, float[] Cqt, CqtOptions Options)> _cache = new();
    private readonly RecentAudio _files = new(CachedFiles);

    /// <summary>Gets the CQT parameters a row records (sample rate, hop, bins, bins per octave, fmin; stereo channels).</summary>
    /// <param name="row">The row.</param>
    /// <returns>The CQT options.</returns>
    public static CqtOptions OptionsOf(ComparisonRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new CqtOptions { SampleRate = row.SampleRate, HopLength = row.HopLength, BinCount = row.Bins, BinsPerOctave = row.BinsPerOctave, FMin = row.FMin };
    }

    /// <summary>Gets the CQT parameters every row records: one model reads one CQT.</summary>
    /// <param name="datasetName">The dataset file, for messages.</param>
    /// <param name="rows">The rows.</param>
    /// <returns>The CQT options.</returns>
    /// <exception cref="InvalidDataException">No rows, or a row with other parameters than the first (the message names both pairs).</exception>
    public static CqtOptions SharedOptions(string datasetName, IReadOnlyList<ComparisonRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new InvalidDataException($"{datasetName}: the dataset has no rows");
        }

        CqtOptions first = OptionsOf(rows[0]);
        foreach (ComparisonRow row in rows)
        {
            if (OptionsOf(row) != first)
            {
                throw new InvalidDataException($"{datasetName}: pair '{row.PairId}' has other CQT parameters than pair '{rows[0].PairId}'; one model reads one CQT");
            }
        }

        return first;
    }

    /// <summary>Gets the clip's CQT <c>[2, bins, frames]</c> and its options.</summary>
    /// <param name="row">The row.</param>
    /// <returns>The CQT and the options it was computed with.</returns>
    /// <exception cref="InvalidDataException">The source is missing or undecodable, or its clip has another frame count than the row.</exception>
    public (float[] Cqt, CqtOptions Options) Get(ComparisonRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        string key = $"{row.ClipKey}:{row.DurationSeconds:R}:{row.SampleRate}:{row.HopLength}:{row.Bins}:{row.BinsPerOctave}:{row.FMin:R}";
        foreach ((string k, float[] c, CqtOptions o) in _cache)
        {
            if (k == key)
            {
                return (c, o);
            }
        }

        string where = $"{datasetName}: pair '{row.PairId}'";
        string path;
        try
        {
            path = AudioCatalog.Resolve(dataRoot, row.Source);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{where}: {e.Message}", e);
        }

        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{where}: source file {path} not found (is --data the folder the pairs were made from?)");
        }

        CqtOptions options = OptionsOf(row);
        float[] cqt;
        int frames;
        try
        {
            (cqt, frames) = ClipCqt.Compute(_files.Decode(path, options.SampleRate), new CqtExtractor(options), row.OffsetSeconds, row.DurationSeconds);
        }
        catch (Exception e) when (e is IOException or ArgumentException)
        {
            throw new InvalidDataException($"{where}: cannot compute the clip's CQT from {path} ({e.Message.ReplaceLineEndings(" ")})", e);
        }

        if (frames != row.Frames)
        {
            throw new InvalidDataException($"{where}: the clip of {path} has {frames} CQT frames, the row says {row.Frames} (a different file or CQT?)");
        }

        if (_cache.Count == Cached)
        {
            _cache.RemoveAt(0);
        }

        _cache.Add((key, cqt, options));
        return (cqt, options);
    }
}
