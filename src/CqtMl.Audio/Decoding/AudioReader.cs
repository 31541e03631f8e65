namespace CqtMl.Audio.Decoding;

/// <summary>
/// A streaming audio decoder: reads float32 samples per channel block by block, so a long file is never held whole
/// in memory. Every decoding problem surfaces as an <see cref="AudioFormatException"/> naming the file.
/// </summary>
public abstract class AudioReader : IDisposable
{
    /// <summary>The lowest sample rate a file may declare, in Hz.</summary>
    public const int MinSampleRate = 1_000;

    /// <summary>The highest sample rate a file may declare, in Hz: the CQT's own limit.</summary>
    public const int MaxSampleRate = Cqt.CqtOptions.MaxSampleRate;

    /// <summary>The most channels a file may declare.</summary>
    public const int MaxChannels = 255;

    /// <summary>
    /// The largest sample magnitude accepted (full scale is 1): 120 dB above full scale. A float file holding larger
    /// values (or NaN, infinity) is corrupt; accepting them would overflow the CQT's squared magnitudes into infinity.
    /// </summary>
    public const float MaxSampleMagnitude = 1e6f;

    /// <summary>Initializes the common properties.</summary>
    /// <param name="path">The file being read.</param>
    /// <param name="sampleRate">Samples per second per channel.</param>
    /// <param name="channelCount">The number of channels.</param>
    /// <param name="frameCount">Samples per channel, when known up front.</param>
    /// <exception cref="AudioFormatException">The sample rate, channel count or length is out of range.</exception>
    protected AudioReader(string path, int sampleRate, int channelCount, long? frameCount)
    {
        CheckSampleRate(path, sampleRate);
        if (channelCount is < 1 or > MaxChannels)
        {
            throw new AudioFormatException(path, $"unsupported or corrupt channel count {channelCount} (supported: 1 to {MaxChannels})");
        }

        if (frameCount is < 0)
        {
            throw new AudioFormatException(path, $"corrupt: the file declares {frameCount} samples per channel");
        }

        Path = path;
        SampleRate = sampleRate;
        ChannelCount = channelCount;
        FrameCount = frameCount;
    }

    /// <summary>Rejects a declared sample rate outside [<see cref="MinSampleRate"/>, <see cref="MaxSampleRate"/>].</summary>
    /// <param name="path">The file, for the message.</param>
    /// <param name="sampleRate">The rate the file declares (formats store it in up to 32 unsigned bits).</param>
    /// <exception cref="AudioFormatException">The rate is out of range.</exception>
    internal static void CheckSampleRate(string path, long sampleRate)
    {
        if (sampleRate is < MinSampleRate or > MaxSampleRate)
        {
            throw new AudioFormatException(path, $"unsupported or corrupt sample rate {sampleRate} Hz (supported: {MinSampleRate} to {MaxSampleRate} Hz)");
        }
    }

    /// <summary>Gets the file being read.</summary>
    public string Path { get; }

    /// <summary>Gets the sample rate in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Gets the number of channels.</summary>
    public int ChannelCount { get; }

    /// <summary>Gets the number of samples per channel, when the format says so up front (null otherwise).</summary>
    public long? FrameCount { get; }

    /// <summary>Gets the number of samples per channel read so far.</summary>
    public long Position { get; protected set; }

    /// <summary>
    /// Reads up to <paramref name="count"/> samples per channel into <c>channels[c][offset..]</c>.
    /// </summary>
    /// <param name="channels">One destination array per channel (<see cref="ChannelCount"/> of them).</param>
    /// <param name="offset">Where to start writing in each array.</param>
    /// <param name="count">The maximum number of samples per channel.</param>
    /// <returns>The number of samples per channel read; 0 at the end of the audio.</returns>
    /// <exception cref="AudioFormatException">The data are truncated or corrupt.</exception>
    public int Read(float[][] channels, int offset, int count)
    {
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Length < ChannelCount || channels.Take(ChannelCount).Any(c => c is null || c.Length < offset + count))
        {
            throw new ArgumentException($"Need {ChannelCount} arrays of at least {offset + count} samples.", nameof(channels));
        }

        if (count == 0)
        {
            return 0;
        }

        try
        {
            int read = ReadCore(channels, offset, count);
            for (int c = 0; c < ChannelCount; c++)
            {
                int bad = channels[c].AsSpan(offset, read).IndexOfAnyExceptInRange(-MaxSampleMagnitude, MaxSampleMagnitude);
                if (bad >= 0)
                {
                    throw new AudioFormatException(Path, $"corrupt: sample {Position + bad} of channel {c} is {channels[c][offset + bad]} (samples must be finite and within +-{MaxSampleMagnitude:0e0} of full scale 1)");
                }
            }

            Position += read;
            if (FrameCount is long declared && Position > declared)
            {
                throw new AudioFormatException(Path, $"corrupt: the stream decodes to more than the {declared} samples per channel it declares");
            }

            if (read == 0 && FrameCount is long expected && Position < expected)
            {
                throw new AudioFormatException(Path, $"truncated: {expected} samples per channel expected, {Position} decoded");
            }

            return read;
        }
        catch (Exception e) when (e is not AudioFormatException and not OperationCanceledException)
        {
            throw new AudioFormatException(Path, $"corrupt or unreadable audio data ({e.GetType().Name}: {e.Message})", e);
        }
    }

    /// <summary>Reads the rest of the audio into memory.</summary>
    /// <returns>The decoded audio.</returns>
    public AudioData ReadAll()
    {
        var chunks = new List<float[][]>();
        const int Block = 1 << 16;
        long total = 0;
        while (true)
        {
            var block = Enumerable.Range(0, ChannelCount).Select(_ => new float[Block]).ToArray();
            int read = Read(block, 0, Block);
            if (read == 0)
            {
                break;
            }

            if (read < Block)
            {
                for (int c = 0; c < ChannelCount; c++)
                {
                    Array.Resize(ref block[c], read);
                }
            }

            chunks.Add(block);
            total += read;
            if (total > Array.MaxLength)
            {
                throw new AudioFormatException(Path, "too long to hold in memory; use the streaming reader");
            }
        }

        var channels = Enumerable.Range(0, ChannelCount).Select(_ => new float[total]).ToArray();
        long at = 0;
        foreach (float[][] chunk in chunks)
        {
            for (int c = 0; c < ChannelCount; c++)
            {
                chunk[c].CopyTo(channels[c], at);
            }

            at += chunk[0].Length;
        }

        return new AudioData(SampleRate, channels);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Reads up to <paramref name="count"/> samples per channel; 0 at the end.</summary>
    /// <param name="channels">Destination arrays.</param>
    /// <param name="offset">Where to start writing.</param>
    /// <param name="count">Maximum samples per channel.</param>
    /// <returns>Samples per channel read.</returns>
    protected abstract int ReadCore(float[][] channels, int offset, int count);

    /// <summary>Releases the underlying stream.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Splits interleaved samples into per-channel arrays.</summary>
    /// <param name="interleaved">Samples, channel fastest.</param>
    /// <param name="frames">Samples per channel to copy.</param>
    /// <param name="channels">Destination arrays.</param>
    /// <param name="offset">Where to start writing.</param>
    protected void Deinterleave(ReadOnlySpan<float> interleaved, int frames, float[][] channels, int offset)
    {
        int n = ChannelCount;
        for (int c = 0; c < n; c++)
        {
            float[] destination = channels[c];
            for (int i = 0; i < frames; i++)
            {
                destination[offset + i] = interleaved[i * n + c];
            }
        }
    }
}
