namespace CqtMl.Audio.Resampling;

/// <summary>
/// Streaming use of a <see cref="Resampler"/>: push input blocks, receive every output sample they determine; after
/// <see cref="Complete"/> the tail. The concatenated output equals <see cref="Resampler.Resample"/> on the whole
/// signal. Memory stays bounded by the filter length and the block size.
/// </summary>
public sealed class ResamplerStream
{
    private readonly Resampler _resampler;
    private float[] _buffer = new float[1 << 14];
    private long _bufferStart;
    private int _bufferCount;
    private long _inputLength;
    private long _nextOutput;
    private bool _completed;

    internal ResamplerStream(Resampler resampler)
    {
        _resampler = resampler;
    }

    /// <summary>Gets the number of output samples produced so far.</summary>
    public long OutputPosition => _nextOutput;

    /// <summary>Appends input and returns the output samples it completes.</summary>
    /// <param name="input">The next input samples.</param>
    /// <returns>New output samples (possibly none).</returns>
    public float[] Push(ReadOnlySpan<float> input)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The stream was completed.");
        }

        if (_bufferCount + input.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_bufferCount + input.Length, 2 * _buffer.Length));
        }

        input.CopyTo(_buffer.AsSpan(_bufferCount));
        _bufferCount += input.Length;
        _inputLength += input.Length;

        // Outputs whose last tap is already available.
        long end = _nextOutput;
        while (_resampler.EndInputFor(end) <= _inputLength)
        {
            end++;
        }

        return Produce(end);
    }

    /// <summary>Marks the end of the input and returns the remaining output samples.</summary>
    /// <returns>The tail of the output.</returns>
    public float[] Complete()
    {
        _completed = true;
        return Produce(_resampler.OutputLength(_inputLength));
    }

    private float[] Produce(long end)
    {
        int count = (int)Math.Max(0, end - _nextOutput);
        var output = new float[count];
        _resampler.Compute(_buffer.AsSpan(0, _bufferCount), _bufferStart, _nextOutput, output);
        _nextOutput = end;

        long keep = Math.Max(0, _resampler.FirstInputFor(_nextOutput));
        int drop = (int)Math.Clamp(keep - _bufferStart, 0, _bufferCount);
        if (drop > 0)
        {
            Array.Copy(_buffer, drop, _buffer, 0, _bufferCount - drop);
            _bufferCount -= drop;
            _bufferStart += drop;
        }

        return output;
    }
}
