namespace CqtMl.Cli.Experiments;

/// <summary>An experiment's training budget.</summary>
internal sealed record ExperimentTraining
{
    /// <summary>Gets the epochs.</summary>
    public int Epochs { get; init; } = 40;

    /// <summary>Gets the optimisation steps per epoch (null: one pass over the data, for the reward model).</summary>
    public int? StepsPerEpoch { get; init; } = 20;

    /// <summary>Gets the batch size.</summary>
    public int BatchSize { get; init; } = 16;
}
