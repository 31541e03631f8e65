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

    /// <summary>Improves a trained generator on labelled comparisons by direct preference optimisation (see <see cref="DpoGeneratorTrainer"/>).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The parameters (<see cref="DpoGeneratorTrainer.Options.GeneratorDirectory"/> and <see cref="DpoGeneratorTrainer.Options.DataRoot"/> are required).</param>
    /// <returns>The trainer.</returns>
    public static DpoGeneratorTrainer TrainDpo(this TransformsCatalog catalog, DpoGeneratorTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new DpoGeneratorTrainer(catalog, options);
    }
}
