namespace CqtMl.Torch.Training;

/// <summary>
/// Loss weights that balance active and silent frames per register (see
/// <see cref="GeneratorTrainingOptions.BalanceRegisters"/>).
/// </summary>
internal sealed class RegisterBalance
{
    private readonly float[] _active;
    private readonly float[] _silent;

    private RegisterBalance(float[] active, float[] silent) => (_active, _silent) = (active, silent);

    /// <summary>Gets weights of 1 for every frame.</summary>
    public static RegisterBalance Uniform { get; } = new(new[] { 1f, 1f, 1f, 1f }, new[] { 1f, 1f, 1f, 1f });

    /// <summary>Measures each register's active fraction over all training frames.</summary>
    public static RegisterBalance From(IReadOnlyList<TrainingExample> training)
    {
        var active = new float[4];
        var silent = new float[4];
        for (int r = 0; r < 4; r++)
        {
            long on = 0, frames = 0;
            foreach (TrainingExample example in training)
            {
                for (int t = 0; t < example.Frames; t++)
                {
                    on += example.Targets[(r * example.Frames) + t] > 0.5f ? 1 : 0;
                }

                frames += example.Frames;
            }

            double p = Math.Clamp((double)on / Math.Max(1, frames), 0.02, 0.98);
            active[r] = (float)(0.5 / p);
            silent[r] = (float)(0.5 / (1 - p));
        }

        return new RegisterBalance(active, silent);
    }

    /// <summary>Weights for level targets laid out <c>[batch, 4, frames]</c> (active = level K - 1).</summary>
    public float[] Weights(long[] levels, int frames, int levelCount)
    {
        var weights = new float[levels.Length];
        for (int i = 0; i < levels.Length; i++)
        {
            int register = i / frames % 4;
            weights[i] = levels[i] == levelCount - 1 ? _active[register] : _silent[register];
        }

        return weights;
    }
}
