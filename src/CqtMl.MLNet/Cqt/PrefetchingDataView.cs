using Microsoft.ML;
using Microsoft.ML.Data;

namespace CqtMl.MLNet;

/// <summary>
/// The output of a native-engine <see cref="CqtTransformer"/>: the chain's own data view, whose cursors over the CQT
/// column read the chain through one plain cursor (no ML.NET worker threads) and, with more than one file in parallel,
/// compute the next files' CQTs on the other cores (<see cref="CqtPrefetch"/>), a bounded number ahead. Rows, order and
/// values are the chain's exactly; only the time changes. Shuffled or parallel-set cursors, and cursors that do not read
/// the CQT column, are the chain's own.
/// </summary>
internal sealed class PrefetchingDataView : IDataView
{
    private readonly IDataView _input;
    private readonly IDataView _output;
    private readonly string _pathColumn;
    private readonly string _cqtColumn;
    private readonly string _parameters;
    private readonly int _parallel;

    public PrefetchingDataView(IDataView input, IDataView output, string pathColumn, string cqtColumn, string parameters, int parallel)
    {
        _input = input;
        _output = output;
        _pathColumn = pathColumn;
        _cqtColumn = cqtColumn;
        _parameters = parameters;
        _parallel = parallel;
    }

    /// <inheritdoc/>
    public bool CanShuffle => _output.CanShuffle;

    /// <inheritdoc/>
    public DataViewSchema Schema => _output.Schema;

    /// <inheritdoc/>
    public long? GetRowCount() => _output.GetRowCount();

    /// <inheritdoc/>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        DataViewSchema.Column[] needed = columnsNeeded.ToArray();
        if (rand is not null || !needed.Any(c => c.Name == _cqtColumn))
        {
            return _output.GetRowCursor(needed, rand);
        }

        if (_parallel <= 1)
        {
            return SequentialCursor(needed, rand);
        }

        CqtPrefetch.Producer producer = CqtPrefetch.Start(Paths(), _parameters, _parallel);
        try
        {
            return new Cursor(SequentialCursor(needed, rand), producer);
        }
        catch
        {
            producer.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        _output.GetRowCursorSet(columnsNeeded, n, rand);

    /// <summary>
    /// The chain's rows through one plain cursor. ML.NET's default cursor would split the rows over threads of its own
    /// and consolidate them, copying every tensor twice more and taking cores from the prefetch, which already computes
    /// the files in parallel.
    /// </summary>
    private DataViewRowCursor SequentialCursor(DataViewSchema.Column[] needed, Random? rand)
    {
        DataViewRowCursor[] set = _output.GetRowCursorSet(needed, 1, rand);
        if (set.Length == 1)
        {
            return set[0];
        }

        foreach (DataViewRowCursor extra in set)
        {
            extra.Dispose();
        }

        return _output.GetRowCursor(needed, rand);
    }

    private IEnumerable<string> Paths()
    {
        DataViewSchema.Column column = _input.Schema[_pathColumn];
        using DataViewRowCursor cursor = _input.GetRowCursor(new[] { column });
        ValueGetter<ReadOnlyMemory<char>> getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            yield return value.ToString();
        }
    }

    /// <summary>The chain's cursor, with the prefetch's lifetime tied to it.</summary>
    private sealed class Cursor : DataViewRowCursor
    {
        private readonly DataViewRowCursor _inner;
        private CqtPrefetch.Producer? _producer;

        public Cursor(DataViewRowCursor inner, CqtPrefetch.Producer producer)
        {
            _inner = inner;
            _producer = producer;
        }

        public override DataViewSchema Schema => _inner.Schema;

        public override long Position => _inner.Position;

        public override long Batch => _inner.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _inner.GetIdGetter();

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _inner.GetGetter<TValue>(column);

        public override bool IsColumnActive(DataViewSchema.Column column) => _inner.IsColumnActive(column);

        public override bool MoveNext() => _inner.MoveNext();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _producer?.Dispose();
                _producer = null;
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
