namespace CqtMl.Audio.Cqt;

/// <summary>
/// The time-domain filter of one CQT bin, exactly as librosa defines it:
/// <c>h(t) = sqrt(L) * w(i) * exp(2 pi i f t / sr) / sum(w)</c> for <c>t = floor(-L/2) .. floor(L/2) - 1</c>,
/// with <c>w</c> the periodic Hann window of that many points and <c>L = sr / (alpha f)</c>.
/// The bin's output is <c>C[m] = sum_t h(t) y[m * hop - t]</c>.
/// </summary>
internal sealed class CqtKernel
{
    private CqtKernel(double frequency, double length, int start, double[] re, double[] im)
    {
        Frequency = frequency;
        Length = length;
        Start = start;
        Re = re;
        Im = im;
    }

    /// <summary>Gets the bin's centre frequency in Hz.</summary>
    public double Frequency { get; }

    /// <summary>Gets the fractional filter length <c>L = sr / (alpha f)</c>.</summary>
    public double Length { get; }

    /// <summary>Gets the first time offset <c>t0 = floor(-L / 2)</c>.</summary>
    public int Start { get; }

    /// <summary>Gets the number of taps.</summary>
    public int TapCount => Re.Length;

    /// <summary>Gets the last time offset (inclusive).</summary>
    public int End => Start + TapCount - 1;

    /// <summary>Gets the real parts of <c>h(Start + i)</c>.</summary>
    public double[] Re { get; }

    /// <summary>Gets the imaginary parts of <c>h(Start + i)</c>.</summary>
    public double[] Im { get; }

    /// <summary>Builds the kernel of bin <paramref name="bin"/>.</summary>
    public static CqtKernel Create(CqtOptions options, int bin)
    {
        double frequency = options.BinFrequency(bin);
        double r = Math.Pow(2.0, 2.0 / options.BinsPerOctave);
        double alpha = (r - 1.0) / (r + 1.0);
        double length = options.SampleRate / (alpha * frequency);
        int start = (int)Math.Floor(-length / 2.0);
        int stop = (int)Math.Floor(length / 2.0);
        int taps = stop - start;

        var re = new double[taps];
        var im = new double[taps];
        double windowSum = 0;
        for (int i = 0; i < taps; i++)
        {
            windowSum += 0.5 - 0.5 * Math.Cos(2.0 * Math.PI * i / taps);
        }

        double scale = Math.Sqrt(length) / windowSum;
        for (int i = 0; i < taps; i++)
        {
            double w = 0.5 - 0.5 * Math.Cos(2.0 * Math.PI * i / taps);
            double phase = 2.0 * Math.PI * frequency * (start + i) / options.SampleRate;
            re[i] = scale * w * Math.Cos(phase);
            im[i] = scale * w * Math.Sin(phase);
        }

        return new CqtKernel(frequency, length, start, re, im);
    }
}
