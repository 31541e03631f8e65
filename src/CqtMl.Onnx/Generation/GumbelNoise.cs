namespace CqtMl.Onnx.Generation;

/// <summary>
/// Reproducible Gumbel(0, 1) noise from a seed: SplitMix64 uniforms u in (0, 1) turned into <c>-ln(-ln u)</c>. The
/// same seed and shape give the same values in every runtime and process, which is what makes stochastic generation
/// reproducible in TorchSharp and in ONNX Runtime (the noise enters the graph as an input rather than from ONNX
/// random operators, which ONNX Runtime reseeds per session).
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
        var random = new SplitMix64(seed);
        for (int i = 0; i < count; i++)
        {
            noise[i] = (float)-Math.Log(-Math.Log(random.NextOpenUniform()));
        }

        return noise;
    }
}
