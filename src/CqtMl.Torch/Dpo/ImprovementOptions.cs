using CqtMl.Preferences.Comparisons;
using CqtMl.Preferences.Evaluation;
using CqtMl.Torch.Reward;

namespace CqtMl.Torch.Dpo;

/// <summary>
/// Options of iterated improvement (<c>cqtml improve</c>): each round draws pairs with the current generator
/// (<see cref="Comparison"/>, its seed offset by the round), labels them with a judge, trains or continues the reward
/// model (<see cref="Reward"/>), runs DPO (<see cref="Dpo"/>) and measures the new generator against the starting one
/// on the same held-out clips every round (<see cref="Evaluation"/>). Defaults are named once here; the CLI uses them.
/// </summary>
public sealed record ImprovementOptions
{
    /// <summary>The default number of rounds.</summary>
    public const int DefaultRounds = 3;

    /// <summary>Gets the number of rounds. Default <see cref="DefaultRounds"/>.</summary>
    public int Rounds { get; init; } = DefaultRounds;

    /// <summary>Gets how each round's pairs are drawn (the seed of round r is this seed + r). Default: the comparison defaults.</summary>
    public ComparisonDatasetOptions Comparison { get; init; } = new();

    /// <summary>Gets reward training (round 1 starts the CQT encoder from the generator; later rounds continue the previous reward model). Default: the reward defaults.</summary>
    public RewardTrainingOptions Reward { get; init; } = new();

    /// <summary>Gets DPO (each round starts from the previous round's generator, which is also its reference). Default: the DPO defaults.</summary>
    public DpoTrainingOptions Dpo { get; init; } = new();

    /// <summary>Gets the win-rate measurement against the starting generator (the same clips every round). Default: the evaluation defaults.</summary>
    public EvaluationOptions Evaluation { get; init; } = new();

    /// <summary>Checks the options; the message names the property.</summary>
    public void Validate()
    {
        if (Rounds < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Rounds), Rounds, "At least one round is needed.");
        }

        ArgumentNullException.ThrowIfNull(Comparison);
        ArgumentNullException.ThrowIfNull(Reward);
        ArgumentNullException.ThrowIfNull(Dpo);
        ArgumentNullException.ThrowIfNull(Evaluation);
        Comparison.Validate();
        Reward.Validate();
        Dpo.Validate();
        Evaluation.Validate();
    }
}
