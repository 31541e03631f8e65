namespace CqtMl.Onnx.Generation;

/// <summary>
/// Reproducible Gumbel(0, 1) noise from a seed: SplitMix64 bits turned into uniforms in (0, 1) and then into
/// <c>-ln(-ln u)</c>. The same seed and shape give the same values in every runtime and process, which is what makes
/// stochastic generation reproducible in TorchSharp and in ONNX Runtime (the noise enters the graph as an input rather
/// than from ONNX random operators, which ONNX Runtime reseeds per session).
/// </summary>
public static class GumbelNoise
{
    /// <summary>Fills a new array with <paramref name="count"/> Gumbel samples for <paramref name="seed"/>.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="count">How many values.</param>
    /// <returns>The noise.</returns>
    public static float[] Create(long seed, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var noise = new float[count];
        ulong state = unchecked((ulong)seed);
        for (int i = 0; i < count; i++)
        {
            // SplitMix64 (Steele, Lea, Flood 2014).
            state = unchecked(state + 0x9E3779B97F4A7C15UL);
            ulong z = state;
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            z ^= z >> 31;

            // 53 random bits, offset by half a step so u is never 0 or 1.
            double u = ((z >> 11) + 0.5) / (1UL << 53);
            noise[i] = (float)-Math.Log(-Math.Log(u));
        }

        return noise;
    }
}
