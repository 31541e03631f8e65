namespace CqtMl.Torch.Training;

/// <summary>Frame-level F1 of "register active": a control above 0.5 means the register sounds.</summary>
public static class RegisterMetrics
{
    /// <summary>Computes F1 over all registers and frames.</summary>
    /// <param name="predicted">Predicted controls in [0, 1].</param>
    /// <param name="targets">Target activity in [0, 1], the same layout.</param>
    /// <returns>F1 in [0, 1] (1 when neither predicts nor contains any activity).</returns>
    public static double F1(ReadOnlySpan<float> predicted, ReadOnlySpan<float> targets)
    {
        if (predicted.Length != targets.Length)
        {
            throw new ArgumentException($"{predicted.Length} predictions for {targets.Length} targets.");
        }

        long tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            bool p = predicted[i] > 0.5f, t = targets[i] > 0.5f;
            tp += p && t ? 1 : 0;
            fp += p && !t ? 1 : 0;
            fn += !p && t ? 1 : 0;
        }

        return tp + fp + fn == 0 ? 1.0 : 2.0 * tp / ((2.0 * tp) + fp + fn);
    }
}
