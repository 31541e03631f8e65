namespace CqtMl.Torch.Training;

/// <summary>Frame-level F1 of "register active": a control above 0.5 means the register sounds.</summary>
public static class RegisterMetrics
{
    /// <summary>Computes F1 over all registers and frames.</summary>
    /// <param name="predicted">Predicted controls in [0, 1].</param>
    /// <param name="targets">Target activity in [0, 1], the same layout.</param>
    /// <returns>F1 in [0, 1] (1 when neither predicts nor contains any activity).</returns>
    public static double F1(ReadOnlySpan<float> predicted, ReadOnlySpan<float> targets) => Count(predicted, targets).F1;

    /// <summary>Counts hits and errors per register of one recording's controls <c>[registers, frames]</c>.</summary>
    /// <param name="predicted">Predicted controls in [0, 1], register-major.</param>
    /// <param name="targets">Target activity in [0, 1], the same layout.</param>
    /// <param name="registers">The number of registers (rows). Default 4.</param>
    /// <returns>One score per register (add recordings with <see cref="RegisterScore.Add"/>).</returns>
    public static IReadOnlyList<RegisterScore> PerRegister(ReadOnlySpan<float> predicted, ReadOnlySpan<float> targets, int registers = 4)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(registers);
        if (predicted.Length != targets.Length || predicted.Length % registers != 0)
        {
            throw new ArgumentException($"{predicted.Length} predictions for {targets.Length} targets; both must be [{registers}, frames].");
        }

        int frames = predicted.Length / registers;
        var scores = new RegisterScore[registers];
        for (int r = 0; r < registers; r++)
        {
            scores[r] = Count(predicted.Slice(r * frames, frames), targets.Slice(r * frames, frames)) with { Register = r };
        }

        return scores;
    }

    private static RegisterScore Count(ReadOnlySpan<float> predicted, ReadOnlySpan<float> targets)
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

        return new RegisterScore(-1, tp, fp, fn);
    }
}

/// <summary>Frame counts of one register's predictions against its targets.</summary>
/// <param name="Register">The register (0 to 3), or -1 for a sum over registers.</param>
/// <param name="TruePositives">Frames predicted active that are active.</param>
/// <param name="FalsePositives">Frames predicted active that are silent.</param>
/// <param name="FalseNegatives">Frames predicted silent that are active.</param>
public sealed record RegisterScore(int Register, long TruePositives, long FalsePositives, long FalseNegatives)
{
    /// <summary>Gets the precision (1 when nothing is predicted active).</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? 1.0 : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>Gets the recall (1 when nothing is active).</summary>
    public double Recall => TruePositives + FalseNegatives == 0 ? 1.0 : (double)TruePositives / (TruePositives + FalseNegatives);

    /// <summary>Gets F1 (1 when neither predicts nor contains any activity).</summary>
    public double F1 => TruePositives + FalsePositives + FalseNegatives == 0 ? 1.0 : 2.0 * TruePositives / ((2.0 * TruePositives) + FalsePositives + FalseNegatives);

    /// <summary>Adds the counts of another score (of another recording, say) to these.</summary>
    /// <param name="other">The other counts.</param>
    /// <returns>The summed counts, with this register number.</returns>
    public RegisterScore Add(RegisterScore other) => other is null ? throw new ArgumentNullException(nameof(other)) : this with
    {
        TruePositives = TruePositives + other.TruePositives,
        FalsePositives = FalsePositives + other.FalsePositives,
        FalseNegatives = FalseNegatives + other.FalseNegatives,
    };
}
