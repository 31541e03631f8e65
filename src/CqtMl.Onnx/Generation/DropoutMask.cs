namespace CqtMl.Onnx.Generation;

/// <summary>
/// Reproducible inverted-dropout masks from a seed: each unit is dropped (0) when its SplitMix64 uniform is below p
/// and kept as 1 / (1 - p) otherwise, so the expected activation is unchanged. Like <see cref="GumbelNoise"/>, the
/// mask is made outside the network and fed to it, which gives TorchSharp and ONNX Runtime the same dropped units.
/// </summary>
public static class DropoutMask
{
    /// <summary>Creates a mask of <paramref name="count"/> values.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="probability">The drop probability p in [0, 1).</param>
    /// <param name="count">How many values.</param>
    /// <returns>The mask.</returns>
    public static float[] Create(long seed, double probability, int count)
    {
        if (probability is < 0 or >= 1 || double.IsNaN(probability))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "The dropout probability must be in [0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var mask = new float[count];
        var random = new SplitMix64(seed);
        float kept = (float)(1 / (1 - probability));
        for (int i = 0; i < count; i++)
        {
            mask[i] = random.NextOpenUniform() < probability ? 0f : kept;
        }

        return mask;
    }
}
