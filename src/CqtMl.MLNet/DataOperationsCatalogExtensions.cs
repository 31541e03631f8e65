using CqtMl.MLNet.DataSources;
using CqtMl.Preferences.Comparisons;
using Microsoft.ML;

namespace CqtMl.MLNet;

/// <summary>Data sources for the MusicNet and FMA data sets and for comparison datasets, as ML.NET <see cref="IDataView"/>s.</summary>
public static class DataOperationsCatalogExtensions
{
    /// <summary>
    /// Loads a MusicNet-layout data set: one row per recording with <c>Id</c>, <c>Path</c>, <c>Split</c>,
    /// <c>Seconds</c>, <c>Composer</c>, <c>Composition</c>, <c>Ensemble</c> and the note labels as vectors
    /// (<c>StartTime</c>, <c>EndTime</c> in samples at 44.1 kHz, <c>Instrument</c>, <c>Note</c>, <c>StartBeat</c>,
    /// <c>EndBeat</c>, <c>NoteValue</c>). Labels are read when a cursor reaches the row.
    /// </summary>
    /// <param name="catalog">The data catalog (<c>mlContext.Data</c>).</param>
    /// <param name="root">The data set's root folder.</param>
    /// <param name="split">Which split to load. Default all.</param>
    /// <returns>The data view.</returns>
    public static IDataView LoadFromMusicNet(this DataOperationsCatalog catalog, string root, MusicNetSplit split = MusicNetSplit.All)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.LoadFromEnumerable(MusicNet.Read(root, split));
    }

    /// <summary>
    /// Loads an FMA-layout data set: one row per track of <paramref name="subset"/> (which includes the smaller
    /// subsets) and <paramref name="split"/>, with <c>TrackId</c>, <c>Path</c>, <c>Subset</c>, <c>Split</c>,
    /// <c>GenreTop</c>, <c>GenreIds</c>, <c>Title</c>, <c>Artist</c>, <c>DurationSeconds</c>. Tracks whose file is
    /// missing, empty or undecodable are skipped and reported through <see cref="System.Diagnostics.Trace"/>.
    /// </summary>
    /// <param name="catalog">The data catalog.</param>
    /// <param name="root">The folder holding <c>fma_metadata</c> and <c>fma_&lt;subset&gt;</c>.</param>
    /// <param name="subset">The subset. Default small.</param>
    /// <param name="split">The split, or null for all.</param>
    /// <returns>The data view.</returns>
    public static IDataView LoadFromFma(this DataOperationsCatalog catalog, string root, FmaSubset subset = FmaSubset.Small, FmaSplit? split = null) =>
        LoadFromFma(catalog, root, new FmaOptions { Subset = subset, Split = split });

    /// <summary>Loads an FMA-layout data set with full control over bad-track handling.</summary>
    /// <param name="catalog">The data catalog.</param>
    /// <param name="root">The folder holding <c>fma_metadata</c> and <c>fma_&lt;subset&gt;</c>.</param>
    /// <param name="options">Subset, split, and what to do with bad tracks.</param>
    /// <returns>The data view.</returns>
    public static IDataView LoadFromFma(this DataOperationsCatalog catalog, string root, FmaOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return catalog.LoadFromEnumerable(Fma.Read(root, options));
    }

    /// <summary>
    /// Loads a comparison dataset (Parquet, as <c>cqtml compare</c> writes it): one row per pair, columns as
    /// <see cref="ComparisonRecord"/> (controls as <c>Vector&lt;Single&gt;</c>). The file's schema is checked now; rows are
    /// read, one row group at a time, when a cursor reaches them, and a malformed row is an error naming the pair.
    /// </summary>
    /// <param name="catalog">The data catalog.</param>
    /// <param name="path">The .parquet file.</param>
    /// <returns>The data view.</returns>
    public static IDataView LoadComparisons(this DataOperationsCatalog catalog, string path)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ComparisonFile.RowGroupCount(path);
        return catalog.LoadFromEnumerable(ComparisonFile.ReadRowGroups(path).SelectMany(g => g).Select(ComparisonRecord.From));
    }
}
