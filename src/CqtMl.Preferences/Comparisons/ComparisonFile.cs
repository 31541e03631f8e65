using CqtMl.Audio.IO;
using Parquet;
using Parquet.Serialization;

namespace CqtMl.Preferences.Comparisons;

/// <summary>
/// Reads and writes comparison datasets (Parquet, <see cref="ComparisonColumns"/>). Writing is atomic (a temporary
/// file renamed over the target) and goes row group by row group, so files larger than memory can be rewritten;
/// reading checks the schema and every row and names the file and the row (pair id) of the first problem.
/// </summary>
public static class ComparisonFile
{
    /// <summary>Writes a dataset, one Parquet row group per item of <paramref name="rowGroups"/> (empty groups are skipped).</summary>
    /// <typeparam name="T"><see cref="ComparisonRow"/> or <see cref="ScoredComparisonRow"/>.</typeparam>
    /// <param name="path">The .parquet file.</param>
    /// <param name="rowGroups">The rows, in groups (enumerated once, lazily).</param>
    /// <returns>The number of rows written.</returns>
    public static long Write<T>(string path, IEnumerable<IReadOnlyList<T>> rowGroups)
        where T : ComparisonRow, new()
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(rowGroups);
        long rows = 0;
        AtomicFile.Write(path, temp =>
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite);
            bool first = true;
            foreach (IReadOnlyList<T> group in rowGroups)
            {
                if (group.Count == 0)
                {
                    continue;
                }

                stream.Position = first ? 0 : stream.Length;
                ParquetSerializer.SerializeAsync(group, stream, new ParquetOptions { Append = !first, RowGroupSize = group.Count }).GetAwaiter().GetResult();
                first = false;
                rows += group.Count;
            }

            if (first)
            {
                // No rows: still a valid file with the schema.
                ParquetSerializer.SerializeAsync(Array.Empty<T>(), stream).GetAwaiter().GetResult();
            }

            stream.Flush(flushToDisk: true);
        });
        return rows;
    }

    /// <summary>Writes a dataset as one row group per <paramref name="rowGroupSize"/> rows.</summary>
    /// <typeparam name="T"><see cref="ComparisonRow"/> or <see cref="ScoredComparisonRow"/>.</typeparam>
    /// <param name="path">The .parquet file.</param>
    /// <param name="rows">The rows.</param>
    /// <param name="rowGroupSize">Rows per group.</param>
    /// <returns>The number of rows written.</returns>
    public static long Write<T>(string path, IReadOnlyList<T> rows, int rowGroupSize = 256)
        where T : ComparisonRow, new()
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowGroupSize);
        return Write(path, rows.Chunk(rowGroupSize).Select(c => (IReadOnlyList<T>)c));
    }

    /// <summary>Gets the number of row groups after checking the file's schema.</summary>
    /// <param name="path">The .parquet file.</param>
    /// <returns>The row-group count.</returns>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not a Parquet file, or missing or unexpected columns.</exception>
    public static int RowGroupCount(string path)
    {
        using FileStream stream = Open(path);
        ParquetReader reader = Guard(path, () => ParquetReader.CreateAsync(stream).GetAwaiter().GetResult());
        try
        {
            CheckSchema(path, reader.Schema.Fields.Select(f => f.Name).ToList());
            return reader.RowGroupCount;
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Reads and checks one row group.</summary>
    /// <param name="path">The .parquet file.</param>
    /// <param name="rowGroup">The group's index.</param>
    /// <returns>The rows.</returns>
    /// <exception cref="InvalidDataException">A row is malformed; the message names the file and the pair.</exception>
    public static IReadOnlyList<ComparisonRow> ReadRowGroup(string path, int rowGroup) => ReadRowGroup<ComparisonRow>(path, rowGroup);

    /// <summary>Reads and checks a dataset written by <c>cqtml score</c> (<see cref="Scoring.DatasetScoring"/>), with each pair's two rewards.</summary>
    /// <param name="path">The .parquet file.</param>
    /// <returns>All rows.</returns>
    public static List<ScoredComparisonRow> ReadScored(string path) =>
        Enumerable.Range(0, RowGroupCount(path)).SelectMany(g => ReadRowGroup<ScoredComparisonRow>(path, g)).ToList();

    private static IReadOnlyList<T> ReadRowGroup<T>(string path, int rowGroup)
        where T : ComparisonRow, new()
    {
        using FileStream stream = Open(path);
        IList<T> rows = Guard(path, () => ParquetSerializer.DeserializeAsync<T>(stream, rowGroupIndex: rowGroup).GetAwaiter().GetResult().Data);
        foreach (T row in rows)
        {
            Check(path, row);
        }

        return rows.ToList();
    }

    /// <summary>Reads every row group, one at a time.</summary>
    /// <param name="path">The .parquet file.</param>
    /// <returns>The row groups.</returns>
    public static IEnumerable<IReadOnlyList<ComparisonRow>> ReadRowGroups(string path)
    {
        int count = RowGroupCount(path);
        for (int g = 0; g < count; g++)
        {
            yield return ReadRowGroup(path, g);
        }
    }

    /// <summary>Reads and checks the whole file.</summary>
    /// <param name="path">The .parquet file.</param>
    /// <returns>All rows.</returns>
    public static List<ComparisonRow> ReadAll(string path)
    {
        var rows = ReadRowGroups(path).SelectMany(g => g).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (ComparisonRow row in rows)
        {
            if (!seen.Add(row.PairId))
            {
                throw new InvalidDataException($"{path}: pair id '{row.PairId}' appears more than once");
            }
        }

        return rows;
    }

    /// <summary>Checks one row: sizes, finite numbers, a known label. The message names the file and the pair.</summary>
    /// <param name="path">The file, for messages.</param>
    /// <param name="row">The row.</param>
    public static void Check(string path, ComparisonRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        string where = $"{path}: pair '{row.PairId}'";
        if (string.IsNullOrEmpty(row.PairId))
        {
            throw new InvalidDataException($"{path}: a row has an empty {ComparisonColumns.PairId}");
        }

        if (row.Frames < 1 || row.Bins < 1 || row.SampleRate < 1 || row.HopLength < 1 || row.BinsPerOctave < 1 || !(row.FMin > 0))
        {
            throw new InvalidDataException($"{where}: invalid CQT description (frames {row.Frames}, sample rate {row.SampleRate}, hop {row.HopLength}, bins {row.Bins}, bins per octave {row.BinsPerOctave}, fmin {row.FMin})");
        }

        CheckControls(where, ComparisonColumns.A + ComparisonColumns.Controls, row.AControls, row.Frames);
        CheckControls(where, ComparisonColumns.B + ComparisonColumns.Controls, row.BControls, row.Frames);
        if (row.Label is not null && !PreferenceLabels.TryParse(row.Label, out _))
        {
            throw new InvalidDataException($"{where}: {ComparisonColumns.Label} '{row.Label}' is not {PreferenceLabels.A}, {PreferenceLabels.B} or {PreferenceLabels.Tie}");
        }

        if (string.IsNullOrEmpty(row.Source) || !(row.DurationSeconds > 0) || !(row.OffsetSeconds >= 0))
        {
            throw new InvalidDataException($"{where}: invalid clip (source '{row.Source}', offset {row.OffsetSeconds}, duration {row.DurationSeconds})");
        }
    }

    private static void CheckControls(string where, string column, float[]? controls, int frames)
    {
        if (controls is null || controls.Length != 4L * frames)
        {
            throw new InvalidDataException($"{where}: {column} has {controls?.Length ?? 0} values, expected 4 x {frames} frames = {4L * frames}");
        }

        int bad = Array.FindIndex(controls, v => !float.IsFinite(v));
        if (bad >= 0)
        {
            throw new InvalidDataException($"{where}: {column} has a non-finite value ({controls[bad]}) at index {bad}");
        }
    }

    private static void CheckSchema(string path, IReadOnlyList<string> columns)
    {
        string[] missing = ComparisonColumns.All.Except(columns).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidDataException($"{path}: not a comparison dataset: missing column(s) {string.Join(", ", missing)}");
        }

        string[] extra = columns.Except(ComparisonColumns.All).Except(ComparisonColumns.Scores).ToArray();
        if (extra.Length > 0)
        {
            throw new InvalidDataException($"{path}: unexpected column(s) {string.Join(", ", extra)} (a comparison dataset has exactly {string.Join(", ", ComparisonColumns.All)}, plus {string.Join(", ", ComparisonColumns.Scores)} when scored)");
        }
    }

    private static FileStream Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: comparison dataset not found", path);
        }

        return File.OpenRead(path);
    }

    private static T Guard<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not (InvalidDataException or FileNotFoundException or OutOfMemoryException))
        {
            throw new InvalidDataException($"{path}: not a readable comparison dataset ({e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")})", e);
        }
    }
}
