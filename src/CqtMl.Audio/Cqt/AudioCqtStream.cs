using CqtMl.Audio.Decoding;
using CqtMl.Audio.Resampling;

namespace CqtMl.Audio.Cqt;

/// <summary>
/// Decodes, resamples and transforms an audio file in one streaming pass, yielding the two-channel CQT tensor
/// <c>[2, bins, frames]</c> (see <see cref="CqtOptions.Channels"/>) block by block. Memory stays bounded whatever the
/// file's length, and the frame count is known before the first block.
/// </summary>
public sealed class AudioCqtStream : IDisposable
{
    private const int ReadBlock = 1 << 15;

    private readonly AudioReader _reader;
    private readonly CqtExtractor _extractor;
    private readonly ResamplerStream?[] _resamplers;
    private readonly CqtStream[] _cqt;

    /// <summary>Opens <paramref name="reader"/> for transformation with <paramref name="extractor"/>.</summary>
    /// <param name="reader">A decoder positioned at the start; the stream owns and disposes it.</param>
    /// <param name="extractor">The CQT; its sample rate is the target rate.</param>
    public AudioCqtStream(AudioReader reader, CqtExtractor extractor)
    {
        _reader = reader ?? throw new ArgumentNullException(nameof(reader));
        _extractor = extractor ?? throw new ArgumentNullException(nameof(extractor));
        long sourceFrames = reader.FrameCount ?? throw new AudioFormatException(reader.Path, "the decoder cannot tell the length in advance");
        int targetRate = extractor.Options.SampleRate;
        Resampler? resampler;
        try
        {
            resampler = reader.SampleRate == targetRate ? null : new Resampler(reader.SampleRate, targetRate);
            SampleCount = resampler?.OutputLength(sourceFrames) ?? sourceFrames;
            FrameCount = extractor.Options.FrameCount(SampleCount);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new AudioFormatException(reader.Path, $"cannot be transformed: {e.Message.Split(" (Parameter", 2)[0]}", e);
        }

        int signals = extractor.Options.Channels == CqtChannels.Stereo && reader.ChannelCount > 1 ? 2 : 1;
        _resamplers = Enumerable.Range(0, signals).Select(_ => resampler?.CreateStream()).ToArray();
        _cqt = Enumerable.Range(0, signals).Select(_ => extractor.CreateStream()).ToArray();
    }

    /// <summary>Gets the number of samples per channel at the CQT's sample rate.</summary>
    public long SampleCount { get; }

    /// <summary>Gets the duration in seconds.</summary>
    public double Duration => (double)SampleCount / _extractor.Options.SampleRate;

    /// <summary>Gets the number of CQT frames.</summary>
    public int FrameCount { get; }

    /// <summary>Gets the time spent decoding and resampling so far, in seconds.</summary>
    public double DecodeSeconds { get; private set; }

    /// <summary>Gets the time spent in the CQT so far, in seconds.</summary>
    public double CqtSeconds { get; private set; }

    /// <summary>Decodes the whole file and yields the tensor's blocks in order.</summary>
    /// <returns>The blocks; together they cover frames 0 to <see cref="FrameCount"/> - 1 exactly once.</returns>
    public IEnumerable<CqtTensorBlock> ReadBlocks()
    {
        int channels = _reader.ChannelCount;
        var buffers = Enumerable.Range(0, channels).Select(_ => new float[ReadBlock]).ToArray();
        var mono = new float[ReadBlock];
        bool complex = _extractor.Options.Channels == CqtChannels.Complex;
        var pending = new Queue<CqtBlock>[_cqt.Length];
        for (int s = 0; s < pending.Length; s++)
        {
            pending[s] = new Queue<CqtBlock>();
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        bool done = false;
        while (!done)
        {
            clock.Restart();
            int read = _reader.Read(buffers, 0, ReadBlock);
            var inputs = new float[_cqt.Length][];
            for (int s = 0; s < _cqt.Length; s++)
            {
                ReadOnlySpan<float> source;
                if (_cqt.Length == 2)
                {
                    source = buffers[s].AsSpan(0, read);
                }
                else if (complex && channels > 1)
                {
                    MixInto(buffers, read, mono);
                    source = mono.AsSpan(0, read);
                }
                else
                {
                    source = buffers[0].AsSpan(0, read);
                }

                ResamplerStream? resampler = _resamplers[s];
                inputs[s] = resampler is null ? source.ToArray() : read > 0 ? resampler.Push(source) : resampler.Complete();
            }

            DecodeSeconds += clock.Elapsed.TotalSeconds;
            clock.Restart();
            done = read == 0;
            for (int s = 0; s < _cqt.Length; s++)
            {
                _cqt[s].Write(inputs[s]);
                if (done)
                {
                    _cqt[s].Complete();
                }

                while (_cqt[s].TryRead(out CqtBlock? block))
                {
                    pending[s].Enqueue(block!);
                }
            }

            CqtSeconds += clock.Elapsed.TotalSeconds;
            while (pending.All(q => q.Count > 0))
            {
                CqtBlock[] blocks = pending.Select(q => q.Dequeue()).ToArray();
                yield return ToTensorBlock(blocks);
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _reader.Dispose();

    private static void MixInto(float[][] channels, int count, float[] mono)
    {
        float scale = 1f / channels.Length;
        for (int i = 0; i < count; i++)
        {
            float sum = 0;
            foreach (float[] channel in channels)
            {
                sum += channel[i];
            }

            mono[i] = sum * scale;
        }
    }

    private CqtTensorBlock ToTensorBlock(CqtBlock[] blocks)
    {
        CqtBlock first = blocks[0];
        if (_extractor.Options.Channels == CqtChannels.Complex)
        {
            return new CqtTensorBlock(first.FirstFrame, first.FrameCount, first.Real, first.Imaginary);
        }

        float[] left = first.Magnitude();
        float[] right = blocks.Length > 1 ? blocks[1].Magnitude() : left;
        return new CqtTensorBlock(first.FirstFrame, first.FrameCount, left, right);
    }
}
