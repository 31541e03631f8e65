namespace CqtMl.Audio.Tests.Support;

/// <summary>
/// The synthetic source of the encoded assets (Assets/make-assets.sh builds the same signal): a click of 0.9 at
/// sample 10000, a 440 Hz burst from 0.5 s to 1 s, 110 Hz + 1760 Hz from 1.2 s to 1.8 s; channel 1 is half of
/// channel 0.
/// </summary>
public static class TestSignal
{
    public const int ClickAt = 10_000;

    public static float[][] Create(int rate, int channels, double seconds)
    {
        int n = (int)(rate * seconds);
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            double t = (double)i / rate, v = i == ClickAt ? 0.9 : 0;
            if (t >= 0.5 && t < 1.0)
            {
                v += 0.3 * Math.Sin(2 * Math.PI * 440 * t);
            }

            if (t >= 1.2 && t < 1.8)
            {
                v += (0.2 * Math.Sin(2 * Math.PI * 110 * t)) + (0.1 * Math.Sin(2 * Math.PI * 1760 * t));
            }

            y[i] = (float)v;
        }

        return Enumerable.Range(0, channels).Select(c => c == 0 ? y : y.Select(v => 0.5f * v).ToArray()).ToArray();
    }

    public static string Asset(string name) => Path.Combine(AppContext.BaseDirectory, "Assets", name);

    public static int ArgMaxAbs(float[] x, int from, int to)
    {
        int best = from;
        for (int i = from; i < to; i++)
        {
            if (Math.Abs(x[i]) > Math.Abs(x[best]))
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>Normalised correlation of a and b over their common length.</summary>
    public static double Correlation(float[] a, float[] b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            ab += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }

        return ab / Math.Sqrt(aa * bb);
    }
}
