namespace CqtMl.Audio.Cqt;

/// <summary>
/// Parameters of the Constant-Q Transform, following librosa's definition (hann window, L1-normalised kernels,
/// <c>scale=True</c>, centred frames, zero padding). Defaults are the project's: 22050 Hz, hop 64, 84 bins, 12 per
/// octave, fmin C1.
/// </summary>
public sealed record CqtOptions
{
    /// <summary>The frequency of C1 in Hz (MIDI note 24), the default lowest bin.</summary>
    public const double C1 = 32.70319566257483;

    /// <summary>The highest sample rate accepted, in Hz.</summary>
    public const int MaxSampleRate = 1_000_000;

    /// <summary>The longest hop accepted, in samples.</summary>
    public const int MaxHopLength = 1 << 20;

    /// <summary>The longest filter (the lowest bin's, <c>Q x sampleRate / fmin</c>) accepted, in samples.</summary>
    public const int MaxFilterLength = 1 << 22;

    /// <summary>Gets the sample rate of the input signal in Hz. Default 22050.</summary>
    public int SampleRate { get; init; } = 22050;

    /// <summary>Gets the hop between frame centres in samples; any positive value. Default 64.</summary>
    public int HopLength { get; init; } = 64;

    /// <summary>Gets the number of frequency bins. Default 84 (7 octaves).</summary>
    public int BinCount { get; init; } = 84;

    /// <summary>Gets the number of bins per octave. Default 12.</summary>
    public int BinsPerOctave { get; init; } = 12;

    /// <summary>Gets the centre frequency of the lowest bin in Hz. Default <see cref="C1"/> (32.7032 Hz).</summary>
    public double FMin { get; init; } = C1;

    /// <summary>Gets how the two channels of a CQT tensor are formed. Default <see cref="CqtChannels.Stereo"/>.</summary>
    public CqtChannels Channels { get; init; } = CqtChannels.Stereo;

    /// <summary>Gets what the single-signal <see cref="CqtExtractor.Compute(ReadOnlySpan{float})"/> returns. Default magnitude.</summary>
    public CqtOutput Output { get; init; } = CqtOutput.Magnitude;

    /// <summary>Gets the number of threads one transform may use; null means all processors. Default null.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>
    /// Gets whether <paramref name="other"/> has the same time and frequency grid: sample rate, hop length, bin count,
    /// bins per octave and fmin (to 1e-9 relative). Models and datasets that agree on it read the same CQT frames.
    /// </summary>
    /// <param name="other">The other options.</param>
    /// <returns>Whether the grids are the same.</returns>
    public bool HasSameGrid(CqtOptions other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return SampleRate == other.SampleRate && HopLength == other.HopLength && BinCount == other.BinCount
            && BinsPerOctave == other.BinsPerOctave && Math.Abs(FMin - other.FMin) <= 1e-9 * FMin;
    }

    /// <summary>Gets the CQT frames per second: sample rate / hop length.</summary>
    public double FrameRate => (double)SampleRate / HopLength;

    /// <summary>Gets the centre frequency of bin <paramref name="bin"/> in Hz: <c>fmin * 2^(bin / binsPerOctave)</c>.</summary>
    /// <param name="bin">The bin index, 0 = <see cref="FMin"/>.</param>
    /// <returns>The frequency in Hz.</returns>
    public double BinFrequency(int bin) => FMin * Math.Pow(2.0, (double)bin / BinsPerOctave);

    /// <summary>Gets the number of samples at <see cref="SampleRate"/> in <paramref name="seconds"/> (rounded to the nearest).</summary>
    /// <param name="seconds">A duration in seconds.</param>
    /// <returns>The sample count.</returns>
    public long SampleCountOf(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "A duration must be a finite number of seconds, not negative.");
        }

        return (long)Math.Round(seconds * SampleRate);
    }

    /// <summary>Gets the number of frames for a signal of <paramref name="sampleCount"/> samples: <c>1 + samples / hop</c>.</summary>
    /// <param name="sampleCount">The number of samples (at <see cref="SampleRate"/>).</param>
    /// <returns>The frame count.</returns>
    public int FrameCount(long sampleCount)
    {
        if (sampleCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleCount), sampleCount, "Sample count must not be negative.");
        }

        long frames = 1 + sampleCount / HopLength;
        return frames > int.MaxValue ? throw new ArgumentOutOfRangeException(nameof(sampleCount), sampleCount, "Signal too long.") : (int)frames;
    }

    /// <summary>
    /// Checks every parameter and throws an <see cref="ArgumentException"/> naming the first one out of range.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public void Validate()
    {
        if (SampleRate is <= 0 or > MaxSampleRate)
        {
            throw new ArgumentOutOfRangeException(nameof(SampleRate), SampleRate, $"Sample rate must be between 1 and {MaxSampleRate:N0} Hz.");
        }

        if (HopLength is <= 0 or > MaxHopLength)
        {
            throw new ArgumentOutOfRangeException(nameof(HopLength), HopLength, $"Hop length must be between 1 and {MaxHopLength:N0} samples.");
        }

        if (BinCount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BinCount), BinCount, "Bin count must be positive.");
        }

        if (BinsPerOctave <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BinsPerOctave), BinsPerOctave, "Bins per octave must be positive.");
        }

        if (!(FMin > 0) || double.IsInfinity(FMin))
        {
            throw new ArgumentOutOfRangeException(nameof(FMin), FMin, "fmin must be a positive, finite frequency in Hz.");
        }

        // librosa's filter for bin k spans Q x sampleRate / f_k samples, Q = 1 / (2^(1 / binsPerOctave) - 1).
        double longestFilter = SampleRate / FMin / (Math.Pow(2.0, 1.0 / BinsPerOctave) - 1);
        if (!(longestFilter <= MaxFilterLength))
        {
            throw new ArgumentOutOfRangeException(nameof(FMin), FMin, $"fmin {FMin:G4} Hz needs a filter of {longestFilter:G3} samples at {SampleRate} Hz and {BinsPerOctave} bins per octave (at most {MaxFilterLength:N0}); raise fmin.");
        }

        if (!Enum.IsDefined(Channels))
        {
            throw new ArgumentOutOfRangeException(nameof(Channels), Channels, "Unknown channel mode.");
        }

        if (!Enum.IsDefined(Output))
        {
            throw new ArgumentOutOfRangeException(nameof(Output), Output, "Unknown output kind.");
        }

        if (MaxDegreeOfParallelism is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "Must be positive or null.");
        }

        double top = BinFrequency(BinCount - 1);
        double nyquist = SampleRate / 2.0;
        if (top >= nyquist)
        {
            throw new ArgumentOutOfRangeException(
                nameof(BinCount),
                BinCount,
                $"The top bin ({top:0.###} Hz = fmin {FMin:0.####} Hz * 2^(({BinCount} - 1) / {BinsPerOctave})) is not below the Nyquist frequency ({nyquist:0.###} Hz at {SampleRate} Hz); lower fmin or the bin count, or raise the sample rate.");
        }
    }
}
