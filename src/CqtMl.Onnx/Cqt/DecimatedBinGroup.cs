using CqtMl.Audio.Cqt;
using CqtMl.Audio.Dsp;

namespace CqtMl.Onnx.Cqt;

/// <summary>
/// Bins of the ONNX CQT that share a decimation factor D (a power of two dividing the hop): the signal is low-passed
/// (zero-phase Kaiser-windowed sinc, 110 dB) and decimated by D, then every bin's kernel, low-passed the same way and
/// sampled every D samples, is applied as a strided polyphase convolution. Low-pass and kernel agree on the band that
/// holds all but 1e-10 of each kernel's energy, so the result equals the full-rate definition to about 1e-5.
/// </summary>
internal sealed class DecimatedBinGroup
{
    /// <summary>Half-width of each kernel's kept band, in units of sr / L (Hann tail energy below 1e-10).</summary>
    public const double BandHalfWidth = 48;

    private const double AttenuationDb = 110;

    public DecimatedBinGroup(CqtOptions options, int factor, IReadOnlyList<(int Bin, CqtKernel Kernel)> bins)
    {
        Factor = factor;
        Bins = bins.Select(b => b.Bin).ToArray();
        int sr = options.SampleRate;
        if (factor == 1)
        {
            Lowpass = new[] { 1.0 };
        }
        else
        {
            // Pass the kept bands, stop from sr / D - f_pass (what would alias into them) with 110 dB.
            double pass = bins.Max(b => PassBand(b.Kernel, sr));
            double transition = (sr / (double)factor) - (2 * pass);
            double cutoff = sr / (2.0 * factor);
            double beta = Kaiser.Beta(AttenuationDb);
            int half = (int)Math.Ceiling(Kaiser.Order(AttenuationDb, transition / sr) / 2) + 1;
            Lowpass = new double[(2 * half) + 1];
            double sum = 0;
            for (int k = -half; k <= half; k++)
            {
                double x = (double)k / (half + 1);
                double arg = 2 * cutoff / sr * k;
                double sinc = k == 0 ? 1 : Math.Sin(Math.PI * arg) / (Math.PI * arg);
                double value = 2 * cutoff / sr * sinc * Kaiser.Window(x, beta);
                Lowpass[k + half] = value;
                sum += value;
            }

            for (int k = 0; k < Lowpass.Length; k++)
            {
                Lowpass[k] /= sum;
            }
        }

        // Decimated kernels h'[j] = D * sum_t h(t) w(D j - t), for every j where the sum can be non-zero.
        int lowHalf = Lowpass.Length / 2;
        Kernels = new (int First, double[] Re, double[] Im)[bins.Count];
        for (int b = 0; b < bins.Count; b++)
        {
            CqtKernel kernel = bins[b].Kernel;
            int first = FloorDiv(kernel.Start - lowHalf, factor), last = FloorDiv(kernel.End + lowHalf, factor) + 1;
            var re = new double[last - first + 1];
            var im = new double[last - first + 1];
            for (int j = first; j <= last; j++)
            {
                double sr_ = 0, si = 0;
                int center = factor * j;
                int tFrom = Math.Max(kernel.Start, center - lowHalf), tTo = Math.Min(kernel.End, center + lowHalf);
                for (int t = tFrom; t <= tTo; t++)
                {
                    double w = Lowpass[center - t + lowHalf];
                    sr_ += kernel.Re[t - kernel.Start] * w;
                    si += kernel.Im[t - kernel.Start] * w;
                }

                re[j - first] = factor * sr_;
                im[j - first] = factor * si;
            }

            Kernels[b] = (first, re, im);
        }
    }

    /// <summary>Gets the decimation factor D.</summary>
    public int Factor { get; }

    /// <summary>Gets the bins of the group.</summary>
    public int[] Bins { get; }

    /// <summary>Gets the low-pass filter (odd length, centred, unit DC gain); [1] when D = 1.</summary>
    public double[] Lowpass { get; }

    /// <summary>Gets each bin's decimated kernel: first offset j and values h'[j].</summary>
    public (int First, double[] Re, double[] Im)[] Kernels { get; }

    /// <summary>Gets the largest kernel offset, in full-rate samples.</summary>
    public int MaxEnd => Kernels.Max(k => (k.First + k.Re.Length - 1) * Factor);

    /// <summary>Gets the upper edge in Hz of the band a kernel needs.</summary>
    public static double PassBand(CqtKernel kernel, int sampleRate) => kernel.Frequency + (BandHalfWidth * sampleRate / kernel.Length);

    private static int FloorDiv(int a, int b) => (int)Math.Floor((double)a / b);
}
