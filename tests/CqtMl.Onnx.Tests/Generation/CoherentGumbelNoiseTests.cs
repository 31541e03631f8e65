using CqtMl.Onnx.Generation;

namespace CqtMl.Onnx.Tests.Generation;

/// <summary>Correlated Gumbel noise keeps the Gumbel marginal (so sampling keeps the softmax) and is smooth in time.</summary>
public class CoherentGumbelNoiseTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(0.25, 0.7236736098317631)]
    [InlineData(0.5, 0.4795001221869535)]
    [InlineData(1, 0.15729920705028513)]
    [InlineData(2, 0.004677734981047265)]
    [InlineData(3, 2.2090496998585438e-05)]
    [InlineData(5, 1.5374597944280351e-12)]
    public void ErfcMatchesReferenceValues(double x, double expected)
    {
        // Reference values: Python's math.erfc (the C library's).
        double actual = NormalDistribution.Erfc(x);
        Assert.True(Math.Abs(actual - expected) <= 1e-12 * expected, $"erfc({x}) = {actual:R}, expected {expected:R}");
    }

    [Fact]
    public void ValuesAreGumbelDistributedAndCorrelatedOverTime()
    {
        const int Series = 400, Frames = 500;
        float[] noise = CoherentGumbelNoise.Create(42, Series, Frames, correlationFrames: 20);
        double mean = noise.Average(v => (double)v), variance = noise.Average(v => (v - mean) * (v - mean));

        // Gumbel(0, 1): mean = Euler's gamma, variance = pi^2 / 6; P(g <= 0) = exp(-1).
        Assert.Equal(0.5772156649, mean, 0.03);
        Assert.Equal(Math.PI * Math.PI / 6, variance, 0.08);
        Assert.Equal(Math.Exp(-1), noise.Count(v => v <= 0) / (double)noise.Length, 0.02);

        // Neighbouring frames are strongly correlated, distant ones hardly; independent noise is not correlated at all.
        Assert.InRange(LagCorrelation(noise, Series, Frames, 1), 0.9, 1);
        Assert.InRange(LagCorrelation(noise, Series, Frames, 200), -0.1, 0.1);
        float[] independent = GumbelNoise.Create(42, Series * Frames);
        Assert.InRange(LagCorrelation(independent, Series, Frames, 1), -0.02, 0.02);
    }

    [Fact]
    public void SamplingWithCoherentNoiseKeepsTheSoftmaxDistribution()
    {
        // Logits of 3 levels; Gumbel-max with coherent noise must pick level i with probability softmax(logits)_i.
        double[] logits = { 0.0, 1.0, -0.5 };
        double total = logits.Sum(Math.Exp);
        const int Series = 3000, Frames = 40;
        var counts = new int[3];
        for (int s = 0; s < Series; s++)
        {
            float[] noise = CoherentGumbelNoise.Create(s, 3, Frames, correlationFrames: 10);
            for (int t = 0; t < Frames; t += 20)
            {
                int best = Enumerable.Range(0, 3).MaxBy(i => logits[i] + noise[(i * Frames) + t]);
                counts[best]++;
            }
        }

        double draws = counts.Sum();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Math.Exp(logits[i]) / total, counts[i] / draws, 0.015);
        }
    }

    [Fact]
    public void CoherenceZeroKeepsTheIndependentNoiseAndOptionsAreChecked()
    {
        var options = new GenerationOptions { Mode = GenerationMode.Stochastic, Seed = 7, Coherence = 0 };
        Assert.Equal(GumbelNoise.Create(7, 2 * 4 * 3 * 10), options.NoiseFor(0, 2, 3, 10, 344.5));
        Assert.NotEqual(options.NoiseFor(0, 2, 3, 10, 344.5), (options with { Coherence = 0.5 }).NoiseFor(0, 2, 3, 10, 344.5));
        Assert.Null(new GenerationOptions().NoiseFor(0, 1, 3, 10, 344.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => (options with { Coherence = -1 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (options with { Coherence = double.NaN }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (options with { Coherence = GenerationOptions.MaxCoherence + 1 }).Validate());
    }

    private static double LagCorrelation(float[] noise, int series, int frames, int lag)
    {
        double mean = noise.Average(v => (double)v), covariance = 0, variance = 0;
        for (int s = 0; s < series; s++)
        {
            for (int t = 0; t + lag < frames; t++)
            {
                double a = noise[(s * frames) + t] - mean, b = noise[(s * frames) + t + lag] - mean;
                covariance += a * b;
                variance += a * a;
            }
        }

        return covariance / variance;
    }
}
