namespace CqtMl.Audio.Decoding;

/// <summary>Decoded audio held in memory: a sample rate and float32 samples per channel.</summary>
public sealed class AudioData
{
    /// <summary>Initializes decoded audio.</summary>
    /// <param name="sampleRate">Samples per second per channel.</param>
    /// <param name="channels">One array per channel, all of the same length.</param>
    public AudioData(int sampleRate, float[][] channels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Length == 0 || channels.Any(c => c is null || c.Length != channels[0].Length))
        {
            throw new ArgumentException("At least one channel is required and all channels must have the same length.", nameof(channels));
        }

        SampleRate = sampleRate;
        Channels = channels;
    }

    /// <summary>Gets the sample rate in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Gets the samples, one array per channel.</summary>
    public float[][] Channels { get; }

    /// <summary>Gets the number of channels.</summary>
    public int ChannelCount => Channels.Length;

    /// <summary>Gets the number of samples per channel.</summary>
    public int FrameCount => Channels[0].Length;

    /// <summary>Gets the duration in seconds.</summary>
    public double Duration => (double)FrameCount / SampleRate;

    /// <summary>Returns this audio at <paramref name="sampleRate"/>: itself when the rate already matches, otherwise every
    /// channel resampled (zero delay, band-limited; see <see cref="Resampling.Resampler"/>), channels in parallel.</summary>
    /// <param name="sampleRate">The target rate in Hz.</param>
    /// <returns>The audio at the target rate.</returns>
    public AudioData ResampledTo(int sampleRate)
    {
        if (sampleRate == SampleRate)
        {
            return this;
        }

        var resampler = new Resampling.Resampler(SampleRate, sampleRate);
        var channels = new float[ChannelCount][];
        Parallel.For(0, ChannelCount, c =>
        {
            channels[c] = new float[resampler.OutputLength(Channels[c].Length)];
            resampler.Compute(Channels[c], 0, 0, channels[c]);
        });
        return new AudioData(sampleRate, channels);
    }

    /// <summary>Returns the mean of all channels.</summary>
    /// <returns>A new mono signal.</returns>
    public float[] MixToMono() => ChannelCount == 1 ? (float[])Channels[0].Clone() : Cqt.CqtExtractor.MixToMono(Channels);
}
