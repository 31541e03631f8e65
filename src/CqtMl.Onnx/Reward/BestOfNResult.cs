namespace CqtMl.Onnx.Reward;

/// <summary>The sample best-of-N generation picked: its index among the N, its controls and every sample's reward.</summary>
/// <param name="Index">The chosen sample (the first of equal best rewards).</param>
/// <param name="Controls">Its controls <c>[1, 4, T]</c>.</param>
/// <param name="Rewards">The N rewards.</param>
public sealed record BestOfNResult(int Index, float[] Controls, float[] Rewards)
{
    /// <summary>Gets the chosen sample's reward.</summary>
    public float Reward => Rewards[Index];
}
