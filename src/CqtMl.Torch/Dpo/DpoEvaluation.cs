namespace CqtMl.Torch.Dpo;

/// <summary>DPO figures of a policy on a set of pairs.</summary>
/// <param name="Loss">The mean DPO loss (ties included when the options use them).</param>
/// <param name="Margin">The mean implicit-reward margin r_chosen - r_rejected over the strict pairs (NaN when none).</param>
/// <param name="ChosenReward">The mean implicit reward of the chosen samples.</param>
/// <param name="RejectedReward">The mean implicit reward of the rejected samples.</param>
/// <param name="Accuracy">The share of strict pairs whose chosen sample has the higher implicit reward (NaN when none).</param>
/// <param name="Pairs">The pairs evaluated.</param>
public sealed record DpoEvaluation(double Loss, double Margin, double ChosenReward, double RejectedReward, double Accuracy, int Pairs);
