namespace CqtMl.Torch.Reward;

/// <summary>One labelled pair for reward training.</summary>
/// <param name="Cqt">The clip's CQT <c>[2, bins, Frames]</c> (shared by the pairs of one clip).</param>
/// <param name="Frames">T.</param>
/// <param name="A">Sample A's controls <c>[4, T]</c>.</param>
/// <param name="B">Sample B's controls <c>[4, T]</c>.</param>
/// <param name="Target">1 when A is preferred, 0 when B is, 0.5 for a tie.</param>
/// <param name="Clip">The clip's identity (validation splits keep a clip on one side).</param>
public sealed record RewardExample(float[] Cqt, int Frames, float[] A, float[] B, float Target, string Clip);
