namespace CqtMl.Audio.Tests.Support;

/// <summary>Deterministic test signals.</summary>
public static class Signals
{
    public static float[] WhiteNoise(int length, int seed, float amplitude = 0.5f)
    {
        var random = new Random(seed);
        var y = new float[length];
        for (int i = 0; i < length; i++)
        {
            y[i] = amplitude * (float)(2 * random.NextDouble() - 1);
        }

        return y;
    }

    /// <summary>A few decaying harmonic notes with onsets, a chirp and a little noise: music-like.</summary>
    public static float[] Music(int length, int sr, int seed)
    {
        var random = new Random(seed);
        var y = new double[length];
        double[] notes = { 110, 164.81, 220, 261.63, 329.63, 440, 587.33, 880 };
        int step = Math.Max(1, length / 6);
        for (int onset = 0, idx = 0; onset < length; onset += step, idx++)
        {
            double f0 = notes[idx % notes.Length];
            for (int i = onset; i < length; i++)
            {
                double t = (double)(i - onset) / sr;
                double env = Math.Exp(-3 * t);
                for (int h = 1; h <= 5; h++)
                {
                    if (f0 * h < sr / 2.0)
                    {
                        y[i] += 0.15 / h * env * Math.Sin(2 * Math.PI * f0 * h * t + h);
                    }
                }
            }
        }

        for (int i = 0; i < length; i++)
        {
            double t = (double)i / sr;
            y[i] += 0.05 * Math.Sin(2 * Math.PI * (50 * t + 400 * t * t)) + 0.01 * (2 * random.NextDouble() - 1);
        }

        return y.Select(v => (float)v).ToArray();
    }
}
