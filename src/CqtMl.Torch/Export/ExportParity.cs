namespace CqtMl.Torch.Export;

/// <summary>
/// The measure both parity checks (<see cref="GeneratorParity"/>, <see cref="RewardParity"/>) apply to an exported graph
/// against its TorchSharp network, and the bound they hold it to.
/// </summary>
internal static class ExportParity
{
    /// <summary>The largest relative difference an export may show (float32 evaluation order).</summary>
    public const double Tolerance = 1e-4;

    /// <summary>The largest absolute difference relative to the largest reference value.</summary>
    /// <param name="expected">The TorchSharp outputs.</param>
    /// <param name="actual">The ONNX outputs.</param>
    /// <returns>The relative difference.</returns>
    public static double RelativeDifference(float[] expected, float[] actual)
    {
        double scale = expected.Max(v => Math.Abs(v)), difference = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            difference = Math.Max(difference, Math.Abs(expected[i] - actual[i]));
        }

        return difference / Math.Max(scale, 1e-30);
    }
}
