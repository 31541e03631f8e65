using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CqtMl.Torch.Reward;

/// <summary>
/// The frame head: a small MLP (<c>fc1</c>, exact GELU, <c>fc2</c>) plus a linear term (<c>linear</c>, no bias) scores
/// each frame's features (levels, changes, spectrum, onset timing, register energy) on its own, and the scores are
/// summed over the frames. The linear term is the direct path for preferences that are sums of per-frame features
/// (a change near an onset, a level's distance from its register's loudness, a change at all); the MLP adds what is not linear. Many musical preferences add up over time (a change on a beat, a level
/// that fits its register's loudness, a needless flicker); this term gives the model that sum directly, where the
/// pooled, normalised tokens of the attention path see it only indirectly. A sum, not a mean: one event moves the
/// reward by the same amount in a clip of any length, so the weights need not grow with the clip to count events. The
/// output layer starts at zero, so the sum over thousands of frames adds no noise at the start of training.
/// </summary>
internal sealed class FrameRewardHead : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Linear linear;

    public FrameRewardHead(int features, int hidden)
        : base(nameof(FrameRewardHead))
    {
        fc1 = nn.Linear(features, hidden, hasBias: true);
        fc2 = nn.Linear(hidden, 1, hasBias: true);
        linear = nn.Linear(features, 1, hasBias: false);
        using (no_grad())
        {
            fc2.weight!.zero_();
            fc2.bias!.zero_();
            linear.weight!.zero_();
        }

        RegisterComponents();
    }

    /// <summary>Scores the frames and sums.</summary>
    /// <param name="features">Per-frame features <c>[B, F, T]</c>.</param>
    /// <returns>The sum of the frame scores <c>[B]</c>.</returns>
    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        Tensor frames = features.transpose(1, 2);
        Tensor scores = fc2.forward(nn.functional.gelu(fc1.forward(frames))).Plus(linear.forward(frames));
        return scores.squeeze(-1).sum(new long[] { 1 }).MoveToOuterDisposeScope();
    }
}
