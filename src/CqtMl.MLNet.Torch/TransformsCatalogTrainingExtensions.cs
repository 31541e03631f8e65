using Microsoft.ML;

namespace CqtMl.MLNet;

/// <summary>Generator training for <c>mlContext.Transforms</c>.</summary>
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
}
