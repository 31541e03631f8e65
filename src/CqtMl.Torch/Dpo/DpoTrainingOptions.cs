using CqtMl.Torch.Reward;

namespace CqtMl.Torch.Dpo;

/// <summary>Options of DPO fine-tuning. Defaults suit the demo preset on a CPU; the CLI takes its defaults from here.</summary>
public sealed record DpoTrainingOptions
{
    /// <summary>
    /// The default beta, 0.01: a tenth of TRL's 0.1, because a sample's log-probability sums over 4 controls x T frames
    /// (4,136 terms for a 3 s clip) where a language model's sums over a few hundred tokens, so the log-likelihood ratios
    /// are tens of nats; with 0.1 the sigmoid saturates on noise (measured in docs/benchmarks.md).
    /// </summary>
    public const double DefaultBeta = 0.01;

    /// <summary>The default peak learning rate (measured in docs/benchmarks.md).</summary>
    public const double DefaultLearningRate = 2e-4;

    /// <summary>The default number of epochs.</summary>
    public const int DefaultEpochs = 4;

    /// <summary>
    /// Gets beta, the strength of the tie to the reference: the implicit reward is beta times the log-likelihood ratio,
    /// so a small beta lets the policy move far from the starting generator before the loss is satisfied, a large one
    /// keeps it close. Default <see cref="DefaultBeta"/>.
    /// </summary>
    public double Beta { get; init; } = DefaultBeta;

    /// <summary>Gets the number of epochs. Default <see cref="DefaultEpochs"/>.</summary>
    public int Epochs { get; init; } = DefaultEpochs;

    /// <summary>Gets the optimisation steps per epoch, or null for one pass over the training pairs (pairs / batch, rounded up). Default null.</summary>
    public int? StepsPerEpoch { get; init; }

    /// <summary>Gets the pairs per optimisation step (all from clips of the same length). Default 8.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Gets the peak learning rate of AdamW. Default <see cref="DefaultLearningRate"/>.</summary>
    public double LearningRate { get; init; } = DefaultLearningRate;

    /// <summary>Gets AdamW's weight decay. Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Gets the fraction of all steps spent warming the learning rate up. Default 0.1.</summary>
    public double WarmupFraction { get; init; } = 0.1;

    /// <summary>Gets the gradient-norm clip. Default 1.</summary>
    public double GradientClip { get; init; } = 1.0;

    /// <summary>
    /// Gets how ties are used. Default <see cref="TiePolicy.Skip"/>: a tie says nothing about which sample to make more
    /// likely; with <see cref="TiePolicy.Half"/> it trains with target 0.5, which pulls the two samples' likelihood
    /// ratios together (a mild regulariser).
    /// </summary>
    public TiePolicy Ties { get; init; } = TiePolicy.Skip;

    /// <summary>Gets the fraction of clips held out for validation (all pairs of a clip go to one side). Default 0.2.</summary>
    public double ValidationFraction { get; init; } = RewardTrainingOptions.DefaultValidationFraction;

    /// <summary>Gets the seed of the split and the batches. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Gets the checkpoint file written atomically after every epoch, or null. Default null.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Checks the options; the message names the property.</summary>
    public void Validate()
    {
        if (!(Beta > 0) || double.IsInfinity(Beta))
        {
            throw new ArgumentOutOfRangeException(nameof(Beta), Beta, "beta must be positive and finite.");
        }

        if (Epochs < 1 || BatchSize < 1 || StepsPerEpoch is < 1)
        {
            throw new ArgumentOutOfRangeException(Epochs < 1 ? nameof(Epochs) : BatchSize < 1 ? nameof(BatchSize) : nameof(StepsPerEpoch), "Epochs, batch size and steps per epoch must be at least 1.");
        }

        if (!(LearningRate > 0) || WeightDecay < 0 || WarmupFraction is < 0 or >= 1 || !(GradientClip > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), "Learning rate and clip must be positive, weight decay not negative, warm-up in [0, 1).");
        }

        if (ValidationFraction is < 0 or >= 1 || double.IsNaN(ValidationFraction))
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "The validation fraction must be in [0, 1).");
        }

        if (!Enum.IsDefined(Ties))
        {
            throw new ArgumentOutOfRangeException(nameof(Ties), Ties, "Unknown tie policy.");
        }
    }
}
