using CqtMl.Onnx.Generation;

namespace CqtMl.Onnx.Reward;

/// <summary>
/// Best-of-N generation: N stochastic samples of a clip from a generator, scored by a reward model, the best kept.
/// Reproducible: the samples come from the seed (<see cref="GenerationOptions"/>), the rewards are deterministic and
/// ties go to the lowest index.
/// </summary>
public static class BestOfN
{
    /// <summary>Draws and scores the samples and picks the best.</summary>
    /// <param name="generator">The generator.</param>
    /// <param name="reward">The reward model (same CQT as the generator).</param>
    /// <param name="cqt">The clip's CQT <c>[2, bins, T]</c>.</param>
    /// <param name="frames">T.</param>
    /// <param name="options">Stochastic generation with <see cref="GenerationOptions.SampleCount"/> = N.</param>
    /// <returns>The pick.</returns>
    /// <exception cref="ArgumentException">Deterministic options, or a reward model for another CQT.</exception>
    public static BestOfNResult Generate(OnnxControlGenerator generator, OnnxRewardModel reward, float[] cqt, int frames, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(reward);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Mode != GenerationMode.Stochastic)
        {
            throw new ArgumentException("Best-of-N needs stochastic generation (deterministic samples are all the same).", nameof(options));
        }

        CheckSameCqt(generator.Info, reward.Info);
        float[] samples = generator.Generate(cqt, 1, frames, options);
        float[] rewards = reward.ScoreSamples(cqt, samples, frames);
        int best = Best(rewards);
        int size = GeneratorContract.Registers * frames;
        return new BestOfNResult(best, samples.AsSpan(best * size, size).ToArray(), rewards);
    }

    /// <summary>The index of the largest reward, the first of equals.</summary>
    /// <param name="rewards">The rewards.</param>
    /// <returns>The index.</returns>
    public static int Best(ReadOnlySpan<float> rewards)
    {
        if (rewards.Length == 0)
        {
            throw new ArgumentException("No rewards to choose from.", nameof(rewards));
        }

        int best = 0;
        for (int i = 1; i < rewards.Length; i++)
        {
            best = rewards[i] > rewards[best] ? i : best;
        }

        return best;
    }

    /// <summary>Checks that a reward model reads the CQT a generator reads.</summary>
    /// <param name="generator">The generator's description.</param>
    /// <param name="reward">The reward model's description.</param>
    /// <exception cref="ArgumentException">They differ; the message says how.</exception>
    public static void CheckSameCqt(GeneratorModelInfo generator, RewardModelInfo reward)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(reward);
        var g = generator.Cqt;
        var r = reward.Cqt;
        if (!g.HasSameGrid(r))
        {
            throw new ArgumentException($"The reward model reads another CQT (sr {r.SampleRate}, hop {r.HopLength}, {r.BinCount} bins, {r.BinsPerOctave}/octave, fmin {r.FMin}) than the generator (sr {g.SampleRate}, hop {g.HopLength}, {g.BinCount} bins, {g.BinsPerOctave}/octave, fmin {g.FMin}).");
        }
    }
}
