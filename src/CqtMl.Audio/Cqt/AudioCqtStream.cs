using System.Buffers;
using CqtMl.Audio.Decoding;
using CqtMl.Audio.Resampling;

namespace CqtMl.Audio.Cqt;

/// <summary>
/// Decodes, resamples and transforms an audio file in one streaming pass, yielding the two-channel CQT tensor
/// <c>[2, bins, frames]</c> (see <see cref="CqtOptions.Channels"/>) block by block. Memory stays bounded whatever the
/// file's length, and the frame count is known before the first block. Where one signal is transformed (the complex
/// layout, or a mono file) the channels are mixed before resampling, so only one signal is resampled. The result equals
/// decoding the whole file, mixing, resampling and <see cref="CqtExtractor.ComputeTensor(IReadOnlyList{float[]})"/>,
/// value for value.
/// </summary>
public sealed class AudioCqtStream : IDisposable
{
    private const int ReadBlock = 1 << 15;

    private readonly AudioReader _reader;
    private readonly CqtExtractor _extractor;
    private readonly ResamplerStream?[] _resamplers;
    private readonly CqtStream[] _cqt;
    private readonly long _firstSample;

    /// <summary>Opens <paramref name="reader"/> for transformation with <paramref name="extractor"/>.</summary>
    /// <param name="reader">A decoder positioned at the start; the stream owns and disposes it.</param>
    /// <param name="extractor">The CQT; its sample rate is the target rate.</param>
    /// <param name="sampleCount">
    /// The signal's length at the CQT's rate when it must be fixed (truncated, or padded with silence); null keeps the
    /// file's length from <paramref name="firstSample"/> on. Decoding stops as soon as the fixed length is covered.
    /// </param>
    /// <param name="firstSample">The first sample at the CQT's rate to transform (a clip's start); earlier ones are skipped.</param>
    public AudioCqtStream(AudioReader reader, CqtExtractor extractor, long? sampleCount = null, long firstSample = 0)
    {
        _reader = reader ?? throw new ArgumentNullException(nameof(reader));
        _extractor = extractor ?? throw new ArgumentNullException(nameof(extractor));
        if (sampleCount is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleCount), sampleCount, "Must be zero or more.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(firstSample);
        _firstSample = firstSample;

        int targetRate = extractor.Options.SampleRate;
        Resampler? resampler;
        try
        {
            resampler = reader.SampleRate == targetRate ? null : Resampler.For(reader.SampleRate, targetRate);
            SourceSampleCount = LengthAt(reader, targetRate);
            SampleCount = sampleCount ?? Math.Max(0, SourceSampleCount - firstSample);
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

    /// <summary>Gets the number of samples per channel transformed, at the CQT's sample rate.</summary>
    public long SampleCount { get; }

    /// <summary>Gets the whole file's length in samples per channel at the CQT's sample rate.</summary>
    public long SourceSampleCount { get; }

    /// <summary>Gets the duration in seconds.</summary>
    public double Duration => (double)SampleCount / _extractor.Options.SampleRate;

    /// <summary>Gets the number of CQT frames.</summary>
    public int FrameCount { get; }

    /// <summary>Gets the time spent decoding and resampling so far, in seconds.</summary>
    public double DecodeSeconds { get; private set; }

    /// <summary>Gets the time spent in the CQT so far, in seconds.</summary>
    public double CqtSeconds { get; private set; }

    /// <summary>
    /// Computes the whole tensor <c>[2, bins, frames]</c> of a file by streaming it: decoding, mixing, resampling and
    /// the CQT run block by block, so only the result grows with the file. A decoder limitation (see
    /// <see cref="AudioFormatException.IsDecoderLimitation"/>) is retried through ffmpeg when it is on the PATH.
    /// </summary>
    /// <param name="path">The audio file.</param>
    /// <param name="extractor">The CQT.</param>
    /// <param name="sampleCount">A fixed length at the CQT's rate (truncated or padded with silence), or null.</param>
    /// <returns>The tensor, row-major, and its frame count.</returns>
    /// <exception cref="AudioFormatException">The file cannot be decoded; the message says why.</exception>
    public static (float[] Tensor, int Frames) ComputeTensor(string path, CqtExtractor extractor, long? sampleCount = null) =>
        ComputeTensor(path, extractor, _ => (0, sampleCount));

    /// <summary>
    /// Computes the tensor of a part of a file by streaming it, the part chosen once the file's length at the CQT's
    /// rate is known (decoding stops at the part's end).
    /// </summary>
    /// <param name="path">The audio file.</param>
    /// <param name="extractor">The CQT.</param>
    /// <param name="part">Given the file's length at the CQT's rate: the first sample and the length (null: to the end).</param>
    /// <returns>The tensor, row-major, and its frame count.</returns>
    /// <exception cref="AudioFormatException">The file cannot be decoded; the message says why.</exception>
    public static (float[] Tensor, int Frames) ComputeTensor(string path, CqtExtractor extractor, Func<long, (long FirstSample, long? SampleCount)> part)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(part);
        return ComputeTensor(path, extractor, part, length => new float[length]);
    }

    /// <summary>
    /// Computes a file's tensor by streaming it, as <see cref="ComputeTensor(string, CqtExtractor, long?)"/>, into an
    /// array rented from <paramref name="pool"/>: for many files one after another, whose tensors are copied out and the
    /// arrays reused, instead of a new 7 MB array (and the memory's first touch) per 30 s file.
    /// </summary>
    /// <param name="path">The audio file.</param>
    /// <param name="extractor">The CQT.</param>
    /// <param name="sampleCount">A fixed length at the CQT's rate (truncated or padded with silence), or null.</param>
    /// <param name="pool">The pool; return the buffer to it when done.</param>
    /// <returns>The buffer, whose first <c>2 * bins * Frames</c> values are the tensor (it may be longer), and the frame count.</returns>
    /// <exception cref="AudioFormatException">The file cannot be decoded; the message says why.</exception>
    public static (float[] Buffer, int Frames) RentTensor(string path, CqtExtractor extractor, long? sampleCount, ArrayPool<float> pool)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(pool);
        return ComputeTensor(path, extractor, _ => (0, sampleCount), pool.Rent);
    }

    /// <summary>Gets a file's length in samples per channel at <paramref name="sampleRate"/>, from the reader's header.</summary>
    /// <param name="reader">The reader.</param>
    /// <param name="sampleRate">The rate.</param>
    /// <returns>The length after resampling.</returns>
    public static long LengthAt(AudioReader reader, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(reader);
        long frames = reader.FrameCount ?? throw new AudioFormatException(reader.Path, "the decoder cannot tell the length in advance");
        return reader.SampleRate == sampleRate ? frames : Resampler.For(reader.SampleRate, sampleRate).OutputLength(frames);
    }

    /// <summary>Decodes the whole file and yields the tensor's blocks in order.</summary>
    /// <returns>The blocks; together they cover frames 0 to <see cref="FrameCount"/> - 1 exactly once.</returns>
    public IEnumerable<CqtTensorBlock> ReadBlocks()
    {
        int channels = _reader.ChannelCount;
        var buffers = Enumerable.Range(0, channels).Select(_ => new float[ReadBlock]).ToArray();
        var mono = new float[ReadBlock];
        bool mix = _cqt.Length == 1 && channels > 1 && _extractor.Options.Channels == CqtChannels.Complex;
        var pending = new Queue<CqtBlock>[_cqt.Length];
        for (int s = 0; s < pending.Length; s++)
        {
            pending[s] = new Queue<CqtBlock>();
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        long fed = 0, produced = 0;
        bool done = false;
        while (!done)
        {
            clock.Restart();
            bool covered = fed >= SampleCount;
            int read = covered ? 0 : _reader.Read(buffers, 0, ReadBlock);
            var inputs = new float[_cqt.Length][];
            for (int s = 0; s < _cqt.Length; s++)
            {
                ReadOnlySpan<float> source;
                if (mix)
                {
                    MixInto(buffers, read, mono);
                    source = mono.AsSpan(0, read);
                }
                else
                {
                    source = buffers[s].AsSpan(0, read);
                }

                ResamplerStream? resampler = _resamplers[s];
                inputs[s] = covered ? Array.Empty<float>() : resampler is null ? source.ToArray() : read > 0 ? resampler.Push(source) : resampler.Complete();
            }

            done = read == 0;

            // This chunk covers resampled samples [produced, produced + length); the part from _firstSample on is fed.
            int skip = (int)Math.Clamp(_firstSample - produced, 0, inputs[0].Length);
            produced += inputs[0].Length;
            int take = (int)Math.Min(inputs[0].Length - skip, SampleCount - fed);
            int pad = done ? (int)(SampleCount - fed - take) : 0;
            fed += take + pad;
            DecodeSeconds += clock.Elapsed.TotalSeconds;
            clock.Restart();
            for (int s = 0; s < _cqt.Length; s++)
            {
                _cqt[s].Write(inputs[s].AsSpan(skip, take));
                if (pad > 0)
                {
                    // The file is shorter than the fixed length: silence after it.
                    _cqt[s].Write(new float[pad]);
                }

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

    private static (float[] Tensor, int Frames) ComputeTensor(string path, CqtExtractor extractor, Func<long, (long FirstSample, long? SampleCount)> part, Func<int, float[]> allocate)
    {
        try
        {
            return ComputeTensor(AudioDecoder.Open(path), extractor, part, allocate);
        }
        catch (AudioFormatException e) when (e.IsDecoderLimitation && FfmpegReader.IsAvailable)
        {
            return ComputeTensor(FfmpegReader.Open(path), extractor, part, allocate);
        }
    }

    private static (float[] Tensor, int Frames) ComputeTensor(AudioReader reader, CqtExtractor extractor, Func<long, (long FirstSample, long? SampleCount)> part, Func<int, float[]> allocate)
    {
        (long first, long? count) = (0, null);
        try
        {
            (first, count) = part(LengthAt(reader, extractor.Options.SampleRate));
        }
        catch
        {
            reader.Dispose();
            throw;
        }

        using var stream = new AudioCqtStream(reader, extractor, count, first);
        int bins = extractor.Options.BinCount, frames = stream.FrameCount;
        // Every value of the tensor is written below, so a rented (not cleared) array serves as well as a new one.
        float[] tensor = allocate(checked(2 * bins * frames));
        foreach (CqtTensorBlock block in stream.ReadBlocks())
        {
            for (int k = 0; k < bins; k++)
            {
                block.Channel0.AsSpan(k * block.FrameCount, block.FrameCount).CopyTo(tensor.AsSpan((k * frames) + block.FirstFrame));
                block.Channel1.AsSpan(k * block.FrameCount, block.FrameCount).CopyTo(tensor.AsSpan(((bins + k) * frames) + block.FirstFrame));
            }
        }

        return (tensor, frames);
    }

    private static void MixInto(float[][] channels, int count, float[] mono)
    {
        // The same arithmetic as CqtExtractor.MixToMono (sum in channel order, then one scaling).
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
