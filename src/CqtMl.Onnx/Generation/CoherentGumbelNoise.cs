namespace CqtMl.Onnx.Generation;

/// <summary>
/// Gumbel(0, 1) noise correlated over time: each series is a stationary Gaussian AR(1) process z (correlation
/// exp(-1 / tau) between neighbouring frames, tau the correlation time in frames) mapped through the Gumbel quantile of
/// the normal CDF, g = -ln(-ln Phi(z)). Every value is still exactly Gumbel(0, 1) and the series of different levels
/// are independent, so each frame's sampled level keeps the softmax distribution at the temperature, while the noise,
/// and therefore the sampled level, changes slowly where the logits do. Reproducible from the seed like
/// <see cref="GumbelNoise"/> (SplitMix64 uniforms, Box-Muller normals).
/// </summary>
public static class CoherentGumbelNoise
{
    /// <summary>Creates <paramref name="series"/> series of <paramref name="frames"/> values, series-major.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="series">The number of independent series (batch x 4 x K for a generator's logits).</param>
    /// <param name="frames">Values per series.</param>
    /// <param name="correlationFrames">tau > 0: the frame lag at which the Gaussian correlation falls to 1 / e.</param>
    /// <returns>The noise, <c>[series, frames]</c> row-major.</returns>
    public static float[] Create(long seed, int series, int frames, double correlationFrames)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(series);
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        if (!(correlationFrames > 0) || double.IsInfinity(correlationFrames))
        {
            throw new ArgumentOutOfRangeException(nameof(correlationFrames), correlationFrames, "The correlation time must be a positive, finite number of frames.");
        }

        double rho = Math.Exp(-1 / correlationFrames), innovation = Math.Sqrt(1 - (rho * rho));
        var noise = new float[checked(series * frames)];
        var random = new SplitMix64(seed);
        for (int s = 0; s < series; s++)
        {
            double z = 0;
            for (int t = 0; t < frames; t++)
            {
                double e = Normal(ref random);
                z = t == 0 ? e : (rho * z) + (innovation * e);
                noise[(s * frames) + t] = (float)-Math.Log(-NormalDistribution.LogCdf(z));
            }
        }

        return noise;
    }

    /// <summary>One standard normal value (Box-Muller, cosine branch).</summary>
    private static double Normal(ref SplitMix64 random)
    {
        double radius = Math.Sqrt(-2 * Math.Log(random.NextOpenUniform()));
        return radius * Math.Cos(2 * Math.PI * random.NextOpenUniform());
    }
}
