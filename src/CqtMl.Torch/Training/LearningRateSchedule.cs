namespace CqtMl.Torch.Training;

/// <summary>The learning-rate schedule both trainers use: linear warm-up, then cosine decay to 0.</summary>
internal static class LearningRateSchedule
{
    /// <summary>Gets the learning rate of step <paramref name="step"/> (0-based) of <paramref name="total"/>.</summary>
    /// <param name="step">The step.</param>
    /// <param name="total">All steps.</param>
    /// <param name="warmup">Warm-up steps.</param>
    /// <param name="peak">The peak rate.</param>
    /// <returns>The rate.</returns>
    public static double WarmupCosine(int step, int total, int warmup, double peak)
    {
        if (step < warmup)
        {
            return peak * (step + 1) / warmup;
        }

        double progress = (double)(step - warmup) / Math.Max(1, total - warmup);
        return peak * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
