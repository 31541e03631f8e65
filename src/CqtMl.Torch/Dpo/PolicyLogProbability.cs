using CqtMl.Torch.Generator;
using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Torch.Dpo;

/// <summary>
/// The generator as a policy: the log-probability of a sample of controls is the sum, over the 4 controls and the T
/// frames, of the log-probability of the sample's level under the categorical head at the sample's temperature,
/// <c>log softmax(logits / temperature)</c> over the K levels. Each frame's level is a draw from exactly that
/// distribution (the Gumbel-max trick, coherent noise included: its marginals are Gumbel), so the sum is the policy's
/// log-likelihood of the sample with the frames taken as independent, as DPO needs it.
/// </summary>
public static class PolicyLogProbability
{
    /// <summary>How far a control may lie from a level i / (K - 1) and still count as that level.</summary>
    public const double LevelTolerance = 1e-4;

    /// <summary>Sums the head's log-probabilities of the samples' levels.</summary>
    /// <param name="logits">The generator's logits <c>[B, 4, K, T]</c>.</param>
    /// <param name="controls">The samples <c>[B, 4, T]</c>, levels i / (K - 1).</param>
    /// <param name="temperatures">Each sample's temperature <c>[B]</c>, positive.</param>
    /// <returns>Log-probabilities <c>[B]</c>.</returns>
    public static Tensor Compute(Tensor logits, Tensor controls, Tensor temperatures)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(controls);
        ArgumentNullException.ThrowIfNull(temperatures);
        if (logits.dim() != 4 || controls.dim() != 3 || controls.shape[0] != logits.shape[0] || controls.shape[1] != logits.shape[1] || controls.shape[2] != logits.shape[3]
            || temperatures.dim() != 1 || temperatures.shape[0] != logits.shape[0])
        {
            throw new ArgumentException($"Expected logits [B, 4, K, T], controls [B, 4, T] and temperatures [B]; got [{string.Join(", ", logits.shape)}], [{string.Join(", ", controls.shape)}] and [{string.Join(", ", temperatures.shape)}].", nameof(controls));
        }

        using var scope = NewDisposeScope();
        long k = logits.shape[2];
        Tensor levels = controls.Times(k - 1).round().clamp(0, k - 1).to_type(ScalarType.Int64).unsqueeze(2);
        Tensor scaled = logits.div(temperatures.to(logits.device).reshape(-1, 1, 1, 1));
        Tensor chosen = scaled.log_softmax(2).gather(2, levels.to(logits.device)).squeeze(2);
        return chosen.sum(new long[] { 1, 2 }).MoveToOuterDisposeScope();
    }

    /// <summary>Runs the generator in its current mode (call <c>eval()</c> first for dropout off) and sums the log-probabilities of the samples.</summary>
    /// <param name="model">The generator.</param>
    /// <param name="cqt">CQTs <c>[B, 2, bins, T]</c>.</param>
    /// <param name="controls">The samples <c>[B, 4, T]</c>.</param>
    /// <param name="temperatures">Their temperatures <c>[B]</c>.</param>
    /// <returns>Log-probabilities <c>[B]</c>.</returns>
    public static Tensor Of(CqtVisionTransformer model, Tensor cqt, Tensor controls, Tensor temperatures)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        return Compute(model.forward(cqt), controls, temperatures).MoveToOuterDisposeScope();
    }

    /// <summary>Whether every control of a sample is one of K levels i / (K - 1) (a sample of a generator with K levels).</summary>
    /// <param name="controls">The controls.</param>
    /// <param name="levels">K.</param>
    /// <returns>The index of the first control off the grid, or -1.</returns>
    public static int FirstOffLevel(ReadOnlySpan<float> controls, int levels)
    {
        for (int i = 0; i < controls.Length; i++)
        {
            double level = controls[i] * (levels - 1.0);
            if (!(controls[i] >= 0 && controls[i] <= 1) || Math.Abs(level - Math.Round(level)) > LevelTolerance * (levels - 1))
            {
                return i;
            }
        }

        return -1;
    }
}
