using CqtMl.Torch.Reward;

namespace CqtMl.Torch.Dpo;

/// <summary>One labelled pair for DPO: the pair and the temperature each sample was drawn at.</summary>
/// <param name="Pair">The clip's CQT, both samples' controls, the target (1: A preferred, 0: B, 0.5: tie) and the clip.</param>
/// <param name="ATemperature">Sample A's sampling temperature (its log-probability is taken at it).</param>
/// <param name="BTemperature">Sample B's sampling temperature.</param>
public sealed record DpoExample(RewardExample Pair, float ATemperature, float BTemperature)
{
    /// <summary>Gets T.</summary>
    public int Frames => Pair.Frames;

    /// <summary>Gets the clip's identity.</summary>
    public string Clip => Pair.Clip;

    /// <summary>Gets the target: 1 when A is preferred, 0 when B is, 0.5 for a tie.</summary>
    public float Target => Pair.Target;
}
