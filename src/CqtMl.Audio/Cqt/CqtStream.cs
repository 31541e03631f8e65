namespace CqtMl.Audio.Cqt;

/// <summary>
/// A streaming CQT of one mono signal: write samples as they arrive, read frames in blocks as soon as they are
/// determined. Working memory is bounded by a few blocks whatever the signal's length.
/// </summary>
/// <remarks>
/// The frames are identical to <see cref="CqtExtractor.ComputeComplex"/> on the whole signal. Call
/// <see cref="Complete"/> after the last sample so the final frames (which look past the end) can be emitted.
/// A stream is not thread-safe; its extractor may be shared. Ready blocks are computed in parallel. Samples written
/// and not yet read out as blocks stay buffered, so alternate writing and reading.
/// </remarks>
public sealed class CqtStream
{
    private readonly CqtExtractor _extractor;
    private readonly CqtPlan _plan;
    private readonly Queue<CqtBlock> _ready = new();
    private float[] _buffer = new float[1 << 16];
    private long _bufferStart;
    private int _bufferCount;
    private int _nextSpan;
    private bool _completed;

    internal CqtStream(CqtExtractor extractor)
    {
        _extractor = extractor;
        _plan = extractor.Plan;
    }

    /// <summary>Gets the number of samples written so far.</summary>
    public long SamplesWritten { get; private set; }

    /// <summary>Gets the total frame count once <see cref="Complete"/> was called, otherwise null.</summary>
    public int? TotalFrames => _completed ? _extractor.Options.FrameCount(SamplesWritten) : null;

    /// <summary>Appends samples.</summary>
    /// <param name="samples">The next samples of the signal.</param>
    /// <exception cref="InvalidOperationException">The stream was completed.</exception>
    public void Write(ReadOnlySpan<float> samples)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The stream was completed; no more samples can be written.");
        }

        long needed = (long)_bufferCount + samples.Length;
        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException("Too many samples buffered; read blocks while writing.");
        }

        if (needed > _buffer.Length)
        {
            Array.Resize(ref _buffer, (int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * _buffer.Length)));
        }

        samples.CopyTo(_buffer.AsSpan(_bufferCount));
        _bufferCount += samples.Length;
        SamplesWritten += samples.Length;
    }

    /// <summary>Marks the end of the signal; the remaining frames become readable.</summary>
    public void Complete() => _completed = true;

    /// <summary>Reads the next block of frames if it is determined by the samples written so far.</summary>
    /// <param name="block">The block, or null when none is ready.</param>
    /// <returns>True when a block was read.</returns>
    public bool TryRead(out CqtBlock? block)
    {
        if (_ready.Count == 0)
        {
            ProcessReadySpans();
        }

        return _ready.TryDequeue(out block);
    }

    private void ProcessReadySpans()
    {
        int spanFrames = _plan.SpanFrames;
        int? total = TotalFrames;
        int parallelism = _extractor.Options.MaxDegreeOfParallelism ?? Environment.ProcessorCount;
        var spans = new List<(int First, int Count)>();
        for (int s = _nextSpan; spans.Count < 2 * parallelism; s++)
        {
            long first = (long)s * spanFrames;
            if (total is int t)
            {
                if (first >= t)
                {
                    break;
                }

                spans.Add(((int)first, (int)Math.Min(spanFrames, t - first)));
            }
            else if (_plan.EndSampleNeeded(first + spanFrames) <= SamplesWritten)
            {
                spans.Add(((int)first, spanFrames));
            }
            else
            {
                break;
            }
        }

        if (spans.Count == 0)
        {
            return;
        }

        var results = new CqtBlock[spans.Count];
        int bins = _extractor.BinCount;
        Parallel.For(
            0,
            spans.Count,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            _extractor.RentWorkspace,
            (i, _, work) =>
            {
                var (first, count) = spans[i];
                _plan.ProcessSpan(new ReadOnlySpan<float>(_buffer, 0, _bufferCount), _bufferStart, first, count, work);
                results[i] = new CqtBlock(first, count, bins, work.SpanRe[..(bins * count)], work.SpanIm[..(bins * count)]);
                return work;
            },
            _extractor.ReturnWorkspace);

        foreach (CqtBlock result in results)
        {
            _ready.Enqueue(result);
        }

        _nextSpan += spans.Count;

        // Drop the samples no later span needs.
        long keepFrom = Math.Max(0, _plan.FirstSampleNeeded((long)_nextSpan * spanFrames));
        int drop = (int)Math.Clamp(keepFrom - _bufferStart, 0, _bufferCount);
        if (drop > 0)
        {
            Array.Copy(_buffer, drop, _buffer, 0, _bufferCount - drop);
            _bufferCount -= drop;
            _bufferStart += drop;
        }
    }
}
