namespace CqtMl.Audio.Tests.Support;

/// <summary>
/// An independent, slow, float64 evaluation of librosa's CQT definition straight from its formula
/// (../shared/reference/cqt/README.md), written without any of the library's code: the test oracle for parameter
/// sets that have no stored reference.
/// </summary>
public static class DirectCqt
{
    /// <summary>Returns the complex CQT as (re, im), each [bins][frames].</summary>
    public static (double[] Re, double[] Im) Compute(float[] y, int sr, int hop, double fmin, int bins, int bpo)
    {
        int frames = 1 + y.Length / hop;
        var re = new double[bins * frames];
        var im = new double[bins * frames];
        double r = Math.Pow(2, 2.0 / bpo);
        double alpha = (r - 1) / (r + 1);
        for (int k = 0; k < bins; k++)
        {
            double f = fmin * Math.Pow(2, (double)k / bpo);
            double length = sr / (alpha * f);
            int t0 = (int)Math.Floor(-length / 2), t1 = (int)Math.Floor(length / 2);
            int n = t1 - t0;
            var gr = new double[n];
            var gi = new double[n];
            double l1 = 0;
            for (int i = 0; i < n; i++)
            {
                double w = 0.5 * (1 - Math.Cos(2 * Math.PI * i / n));
                double phase = 2 * Math.PI * f * (t0 + i) / sr;
                gr[i] = w * Math.Cos(phase);
                gi[i] = w * Math.Sin(phase);
                l1 += Math.Sqrt(gr[i] * gr[i] + gi[i] * gi[i]);
            }

            double scale = Math.Sqrt(length) / l1;
            for (int m = 0; m < frames; m++)
            {
                double sr_ = 0, si = 0;
                for (int i = 0; i < n; i++)
                {
                    long at = (long)m * hop - (t0 + i);
                    if (at >= 0 && at < y.Length)
                    {
                        sr_ += gr[i] * y[at];
                        si += gi[i] * y[at];
                    }
                }

                re[k * frames + m] = scale * sr_;
                im[k * frames + m] = scale * si;
            }
        }

        return (re, im);
    }
}
