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

        var resampler = Resampling.Resampler.For(SampleRate, sampleRate);
        var channels = new float[ChannelCount][];
        Parallel.For(0, ChannelCount, c =>
        {
            channels[c] = new float[resampler.OutputLength(Channels[c].Length)];
            resampler.Compute(Channels[c], 0, 0, channels[c]);
        });
        return new AudioData(sampleRate, channels);
    }

    /// <summary>
    /// Cuts a clip: the samples from round(offset x rate) for round(duration x rate) samples, or to the end when the
    /// audio is shorter. The comparison datasets and <c>cqtml generate --offset --duration</c> both cut clips this way
    /// (after resampling to the CQT's rate), so a sample regenerates bit for bit.
    /// </summary>
    /// <param name="offsetSeconds">The start in seconds (>= 0, before the end).</param>
    /// <param name="durationSeconds">The length in seconds (> 0).</param>
    /// <returns>The clip (this audio when it is the whole of it).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The offset is negative or not before the end, or the duration not positive.</exception>
    public AudioData Clip(double offsetSeconds, double durationSeconds)
    {
        (long start, int length) = ClipWindow(FrameCount, SampleRate, offsetSeconds, durationSeconds);
        if (start == 0 && length == FrameCount)
        {
            return this;
        }

        return new AudioData(SampleRate, Channels.Select(c => c.AsSpan((int)start, length).ToArray()).ToArray());
    }

    /// <summary>
    /// The samples a clip covers in a signal of <paramref name="frameCount"/> samples at <paramref name="sampleRate"/>:
    /// the offset rounded to a sample, the duration rounded and cut at the end (at least one sample).
    /// </summary>
    /// <param name="frameCount">The signal's length in samples.</param>
    /// <param name="sampleRate">Its sample rate.</param>
    /// <param name="offsetSeconds">The clip's start in seconds; must be before the end.</param>
    /// <param name="durationSeconds">The clip's duration in seconds; positive.</param>
    /// <returns>The first sample and the length.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The offset or the duration is not valid for the signal.</exception>
    public static (long Start, int Length) ClipWindow(long frameCount, int sampleRate, double offsetSeconds, double durationSeconds)
    {
        if (!(offsetSeconds >= 0) || double.IsInfinity(offsetSeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(offsetSeconds), offsetSeconds, "The clip offset must be a finite number of seconds, at least 0.");
        }

        if (!(durationSeconds > 0) || double.IsInfinity(durationSeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(durationSeconds), durationSeconds, "The clip duration must be a positive, finite number of seconds.");
        }

        long start = (long)Math.Round(offsetSeconds * sampleRate);
        if (start >= frameCount)
        {
            throw new ArgumentOutOfRangeException(nameof(offsetSeconds), offsetSeconds, $"The clip offset {offsetSeconds} s is not before the end of the audio ({(double)frameCount / sampleRate:0.###} s).");
        }

        int length = (int)Math.Max(1, Math.Min(Math.Round(durationSeconds * sampleRate), frameCount - start));
        return (start, length);
    }

    /// <summary>Returns the mean of all channels.</summary>
    /// <returns>A new mono signal.</returns>
    public float[] MixToMono() => ChannelCount == 1 ? (float[])Channels[0].Clone() : Cqt.CqtExtractor.MixToMono(Channels);
}
