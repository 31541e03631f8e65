namespace CqtMl.Torch.Reward;

/// <summary>Options of reward training. Defaults suit the demo preset on a CPU; the CLI takes its defaults from here.</summary>
public sealed record RewardTrainingOptions
{
    /// <summary>The default number of epochs.</summary>
    public const int DefaultEpochs = 8;

    /// <summary>The default validation fraction.</summary>
    public const double DefaultValidationFraction = 0.2;

    /// <summary>Gets the number of epochs. Default <see cref="DefaultEpochs"/>.</summary>
    public int Epochs { get; init; } = DefaultEpochs;

    /// <summary>Gets the optimisation steps per epoch, or null for one pass over the training pairs (pairs / batch, rounded up). Default null.</summary>
    public int? StepsPerEpoch { get; init; }

    /// <summary>Gets the pairs per optimisation step (all from clips of the same length). Default 16.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Gets the peak learning rate of AdamW. Default 5e-4 (the setting of the measurements in docs/benchmarks.md).</summary>
    public double LearningRate { get; init; } = 5e-4;

    /// <summary>Gets AdamW's weight decay. Default 0.05.</summary>
    public double WeightDecay { get; init; } = 0.05;

    /// <summary>Gets the fraction of all steps spent warming the learning rate up. Default 0.1.</summary>
    public double WarmupFraction { get; init; } = 0.1;

    /// <summary>Gets the gradient-norm clip. Default 1.</summary>
    public double GradientClip { get; init; } = 1.0;

    /// <summary>Gets the margin of strict preferences in the Bradley-Terry loss. Default 0.</summary>
    public double Margin { get; init; }

    /// <summary>Gets TRL's reward-centring coefficient: mean((r_a + r_b)^2) is added times this. Default 0.01.</summary>
    public double Centring { get; init; } = 0.01;

    /// <summary>Gets how ties are used. Default <see cref="TiePolicy.Half"/>.</summary>
    public TiePolicy Ties { get; init; } = TiePolicy.Half;

    /// <summary>Gets the fraction of clips held out for validation (all pairs of a clip go to one side). Default 0.2.</summary>
    public double ValidationFraction { get; init; } = DefaultValidationFraction;

    /// <summary>Gets the decay of the weights' moving average that validation uses and training returns. Default 0.9.</summary>
    public double AverageDecay { get; init; } = 0.9;

    /// <summary>Gets the seed of initialisation, the split, batches and dropout. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Gets the checkpoint file written atomically after every epoch, or null. Default null.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Checks the options; the message names the property.</summary>
    public void Validate()
    {
        if (Epochs < 1 || BatchSize < 1 || StepsPerEpoch is < 1)
        {
            throw new ArgumentOutOfRangeException(Epochs < 1 ? nameof(Epochs) : BatchSize < 1 ? nameof(BatchSize) : nameof(StepsPerEpoch), "Epochs, batch size and steps per epoch must be at least 1.");
        }

        if (!(LearningRate > 0) || WeightDecay < 0 || WarmupFraction is < 0 or >= 1 || !(GradientClip > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), "Learning rate and clip must be positive, weight decay not negative, warm-up in [0, 1).");
        }

        if (!(Margin >= 0) || !(Centring >= 0) || double.IsInfinity(Margin) || double.IsInfinity(Centring))
        {
            throw new ArgumentOutOfRangeException(nameof(Margin), "The margin and the centring coefficient must be finite and not negative.");
        }

        if (ValidationFraction is < 0 or >= 1 || double.IsNaN(ValidationFraction))
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "The validation fraction must be in [0, 1).");
        }

        if (AverageDecay is < 0 or >= 1 || double.IsNaN(AverageDecay) || !Enum.IsDefined(Ties))
        {
            throw new ArgumentOutOfRangeException(nameof(AverageDecay), "The weight-average decay must be in [0, 1) and the tie policy known.");
        }
    }
}
