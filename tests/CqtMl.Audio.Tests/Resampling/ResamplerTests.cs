using CqtMl.Audio.Resampling;
using Xunit.Abstractions;

namespace CqtMl.Audio.Tests.Resampling;

/// <summary>Measures the resampler: timing of onsets, passband flatness, aliasing, streaming equivalence.</summary>
public class ResamplerTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Ratios() => new[]
    {
        new object[] { 44100, 22050 }, new object[] { 48000, 22050 }, new object[] { 16000, 22050 }, new object[] { 22050, 16000 },
        new object[] { 96000, 22050 }, new object[] { 192000, 22050 },
    };

    [Theory]
    [MemberData(nameof(Ratios))]
    public void OnsetKeepsItsTime(int source, int target)
    {
        // A click at input sample k must peak at the output sample nearest k * target / source (within half a sample).
        foreach (int k in new[] { 10_000, 10_001, 12_345 })
        {
            var x = new float[40_000];
            x[k] = 1f;
            float[] y = Resampler.Resample(x, source, target);
            int peak = 0;
            for (int i = 1; i < y.Length; i++)
            {
                if (y[i] > y[peak])
                {
                    peak = i;
                }
            }

            // Refine with a parabola through the peak and its neighbours (biased by up to ~0.1 sample on a sinc main
            // lobe; the exact delay is measured by the phase test below).
            double a = y[peak - 1], b = y[peak], c = y[peak + 1];
            double refined = peak + 0.5 * (a - c) / (a - 2 * b + c);
            double expected = (double)k * target / source;
            output.WriteLine($"{source}->{target}: click {k} -> peak {refined:F3}, expected {expected:F3}");
            Assert.True(Math.Abs(peak - expected) <= 0.5, $"peak at {peak}, expected {expected}");
            Assert.True(Math.Abs(refined - expected) < 0.15, $"refined peak {refined}, expected {expected}");
        }
    }

    [Theory]
    [MemberData(nameof(Ratios))]
    public void PassbandIsFlatAndInPhaseUpTo90PercentOfNyquist(int source, int target)
    {
        double nyquist = Math.Min(source, target) / 2.0;
        double worstDb = 0, worstDelay = 0;
        foreach (double fraction in new[] { 0.01, 0.1, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9 })
        {
            double f = fraction * nyquist;
            float[] x = Sine(f, source, source, 0.5);
            float[] y = Resampler.Resample(x, source, target);
            var (amplitude, phase) = Fit(y, f, target, 0.25, 0.75);
            double db = 20 * Math.Log10(amplitude / 0.5);
            double delaySamples = -phase / (2 * Math.PI * f) * target;
            worstDb = Math.Max(worstDb, Math.Abs(db));
            worstDelay = Math.Max(worstDelay, Math.Abs(delaySamples));
        }

        output.WriteLine($"{source}->{target}: max passband deviation {worstDb:E2} dB, max delay {worstDelay:E2} samples");
        Assert.True(worstDb <= 0.1, $"passband deviation {worstDb} dB");
        Assert.True(worstDelay < 0.01, $"delay {worstDelay} samples");
    }

    [Theory]
    [MemberData(nameof(Ratios))]
    public void AliasingIsBelowMinus110Db(int source, int target)
    {
        double lowerNyquist = Math.Min(source, target) / 2.0, inputNyquist = source / 2.0;
        double worst = double.NegativeInfinity;
        if (target >= source)
        {
            // Upsampling cannot alias; check instead that nothing appears above the input band (imaging).
            foreach (double f in new[] { 0.2, 0.6, 0.89 }.Select(r => r * lowerNyquist))
            {
                float[] y = Resampler.Resample(Sine(f, source, source, 1.0), source, target);
                double image = target - f <= target / 2.0 ? Fit(y, target - f, target, 0.25, 0.75).Amplitude : 0;
                worst = Math.Max(worst, 20 * Math.Log10(image + 1e-30));
            }
        }
        else
        {
            for (double f = lowerNyquist * 1.001; f < inputNyquist; f += (inputNyquist - lowerNyquist) / 23)
            {
                float[] y = Resampler.Resample(Sine(f, source, source, 1.0), source, target);
                double rms = Rms(y, 0.2, 0.8) * Math.Sqrt(2);
                worst = Math.Max(worst, 20 * Math.Log10(rms + 1e-30));
            }
        }

        output.WriteLine($"{source}->{target}: worst alias/image level {worst:F1} dB");
        Assert.True(worst <= -110, $"alias level {worst:F1} dB");
    }

    [Theory]
    [InlineData(48000, 22050)]
    [InlineData(44100, 22050)]
    [InlineData(96000, 22050)]
    [InlineData(192000, 22050)]
    public void StreamingEqualsWholeSignal(int source, int target)
    {
        var random = new Random(3);
        float[] x = Enumerable.Range(0, 30_011).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var resampler = new Resampler(source, target);
        float[] whole = Resampler.Resample(x, source, target);
        foreach (int block in new[] { 997, 64, 5_000 })
        {
            var stream = resampler.CreateStream();
            var parts = new List<float>();
            for (int i = 0; i < x.Length; i += block)
            {
                parts.AddRange(stream.Push(x.AsSpan(i, Math.Min(block, x.Length - i))));
            }

            parts.AddRange(stream.Complete());
            Assert.Equal(whole.Length, parts.Count);
            Assert.Equal(resampler.OutputLength(x.Length), whole.Length);
            for (int i = 0; i < whole.Length; i++)
            {
                Assert.Equal(whole[i], parts[i]);
            }
        }
    }

    [Fact]
    public void OutputLengthIsCeilingOfScaledLength()
    {
        Assert.Equal(5, new Resampler(44100, 22050).OutputLength(9));
        Assert.Equal(22050, new Resampler(48000, 22050).OutputLength(48000));
        Assert.Equal(1, new Resampler(48000, 22050).OutputLength(1));
        Assert.Equal(0, new Resampler(48000, 22050).OutputLength(0));
    }

    private static float[] Sine(double f, int rate, int length, double amplitude) =>
        Enumerable.Range(0, length).Select(i => (float)(amplitude * Math.Sin(2 * Math.PI * f * i / rate))).ToArray();

    /// <summary>Least-squares amplitude and phase of a sine at f over the middle of y (y ~ A sin(wt + phase)).</summary>
    private static (double Amplitude, double Phase) Fit(float[] y, double f, int rate, double from, double to)
    {
        double ss = 0, sc = 0, cc = 0, ys = 0, yc = 0;
        for (int i = (int)(from * y.Length); i < (int)(to * y.Length); i++)
        {
            double s = Math.Sin(2 * Math.PI * f * i / rate), c = Math.Cos(2 * Math.PI * f * i / rate);
            ss += s * s; sc += s * c; cc += c * c; ys += y[i] * s; yc += y[i] * c;
        }

        double det = ss * cc - sc * sc;
        double a = (ys * cc - yc * sc) / det, b = (yc * ss - ys * sc) / det;
        return (Math.Sqrt(a * a + b * b), Math.Atan2(b, a));
    }

    private static double Rms(float[] y, double from, double to)
    {
        double sum = 0;
        int n = 0;
        for (int i = (int)(from * y.Length); i < (int)(to * y.Length); i++, n++)
        {
            sum += (double)y[i] * y[i];
        }

        return Math.Sqrt(sum / n);
    }
}
