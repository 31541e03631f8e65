using Microsoft.ML;

namespace CqtMl.MLNet;

/// <summary>Generator and reward-model training for <c>mlContext.Transforms</c>.</summary>
public static class TransformsCatalogTrainingExtensions
{
    /// <summary>Trains the control generator on CQT and register-target columns (see <see cref="ControlGeneratorTrainer"/>).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The parameters.</param>
    /// <returns>The trainer.</returns>
    public static ControlGeneratorTrainer TrainControlGenerator(this TransformsCatalog catalog, ControlGeneratorTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new ControlGeneratorTrainer(catalog, options);
    }

    /// <summary>Trains the reward model on labelled comparisons (see <see cref="RewardModelTrainer"/>).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The parameters (<see cref="RewardModelTrainer.Options.DataRoot"/> is required).</param>
    /// <returns>The trainer.</returns>
    public static RewardModelTrainer TrainRewardModel(this TransformsCatalog catalog, RewardModelTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new RewardModelTrainer(catalog, options);
    }
}
