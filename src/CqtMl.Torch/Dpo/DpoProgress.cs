namespace CqtMl.Torch.Dpo;

/// <summary>Progress after an optimisation step or an epoch of DPO.</summary>
/// <param name="Epoch">The epoch (1-based).</param>
/// <param name="Step">The global step (1-based).</param>
/// <param name="Loss">The step's (or the epoch's mean) DPO loss.</param>
/// <param name="LearningRate">The learning rate used.</param>
/// <param name="Margin">The mean implicit-reward margin r_chosen - r_rejected of the strict pairs, or null when there were none.</param>
/// <param name="Accuracy">The share of strict pairs whose chosen sample has the higher implicit reward, or null.</param>
/// <param name="Validation">At the end of an epoch, the same figures on the held-out pairs (the training pairs when none are held out); else null.</param>
/// <param name="EndOfEpoch">Whether this reports a whole epoch rather than one step.</param>
public sealed record DpoProgress(int Epoch, int Step, double Loss, double LearningRate, double? Margin, double? Accuracy, DpoEvaluation? Validation, bool EndOfEpoch);
