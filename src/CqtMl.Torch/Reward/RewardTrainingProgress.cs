namespace CqtMl.Torch.Reward;

/// <summary>Progress after an optimisation step or an epoch of reward training.</summary>
/// <param name="Epoch">The epoch (1-based).</param>
/// <param name="Step">The global step (1-based).</param>
/// <param name="Loss">The step's (or the epoch's mean) training loss.</param>
/// <param name="LearningRate">The learning rate used.</param>
/// <param name="TrainingAccuracy">The step's (or epoch's) pairwise accuracy on its strict pairs, or null when it had none.</param>
/// <param name="ValidationAccuracy">Pairwise accuracy on the held-out strict pairs (the training pairs when none are held out) at the end of an epoch, else null.</param>
/// <param name="EndOfEpoch">Whether this reports a whole epoch rather than one step.</param>
public sealed record RewardTrainingProgress(int Epoch, int Step, double Loss, double LearningRate, double? TrainingAccuracy, double? ValidationAccuracy, bool EndOfEpoch);
