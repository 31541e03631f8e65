using Microsoft.ML;

namespace CqtMl.MLNet;

/// <summary>CQT, generator and reward transforms for <c>mlContext.Transforms</c>.</summary>
public static class TransformsCatalogExtensions
{
    /// <summary>Computes the CQT of an audio column with the default parameters (see <see cref="CqtEstimator.Options"/>).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The output column, <c>Vector&lt;Single&gt;</c> <c>[2, 84, T]</c>.</param>
    /// <param name="inputColumnName">The input column (path or mono PCM); null means <paramref name="outputColumnName"/>.</param>
    /// <returns>The estimator.</returns>
    public static CqtEstimator ExtractCqt(this TransformsCatalog catalog, string outputColumnName = "Cqt", string? inputColumnName = null) =>
        ExtractCqt(catalog, new CqtEstimator.Options { OutputColumnName = outputColumnName, InputColumnName = inputColumnName });

    /// <summary>Computes the CQT of an audio column.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The parameters.</param>
    /// <returns>The estimator.</returns>
    public static CqtEstimator ExtractCqt(this TransformsCatalog catalog, CqtEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new CqtEstimator(catalog, options);
    }

    /// <summary>Generates control signals from a CQT column with an exported generator model (deterministic by default).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The output column, <c>Vector&lt;Single&gt;</c> <c>[1, 4, T]</c>.</param>
    /// <param name="inputColumnName">The CQT column <c>[2, bins, T]</c>; null means <paramref name="outputColumnName"/>.</param>
    /// <param name="modelPath">The generator model (<c>generator.onnx</c>); null for the shipped default generator (<see cref="Onnx.Models.ShippedModels"/>).</param>
    /// <param name="gpuDeviceId">The CUDA device, or null for the CPU.</param>
    /// <param name="fallbackToCpu">Whether to fall back to the CPU (logged) when CUDA cannot be used.</param>
    /// <returns>The estimator.</returns>
    public static ControlGeneratorEstimator GenerateControls(this TransformsCatalog catalog, string outputColumnName = "Controls", string? inputColumnName = "Cqt", string? modelPath = null, int? gpuDeviceId = null, bool fallbackToCpu = false) =>
        GenerateControls(catalog, new ControlGeneratorEstimator.Options { OutputColumnName = outputColumnName, InputColumnName = inputColumnName, ModelPath = modelPath, GpuDeviceId = gpuDeviceId, FallbackToCpu = fallbackToCpu });

    /// <summary>Generates control signals from a CQT column with an exported generator model.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The parameters (no <see cref="ControlGeneratorEstimator.Options.ModelPath"/>: the shipped default generator).</param>
    /// <returns>The estimator.</returns>
    public static ControlGeneratorEstimator GenerateControls(this TransformsCatalog catalog, ControlGeneratorEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new ControlGeneratorEstimator(catalog, options, ModelFiles.Generator(options.ModelPath));
    }

    /// <summary>Generates control signals with a generator model given as bytes (for example one just trained).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The parameters (<see cref="ControlGeneratorEstimator.Options.ModelPath"/> is ignored).</param>
    /// <param name="model">The generator ONNX model's bytes.</param>
    /// <returns>The estimator.</returns>
    public static ControlGeneratorEstimator GenerateControls(this TransformsCatalog catalog, ControlGeneratorEstimator.Options options, byte[] model)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(model);
        return new ControlGeneratorEstimator(catalog, options, model);
    }

    /// <summary>Scores controls with an exported reward model: one reward per sample.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The output column, <c>Vector&lt;Single&gt;</c> <c>[1]</c>.</param>
    /// <param name="cqtColumnName">The CQT column <c>[2, bins, T]</c>.</param>
    /// <param name="controlsColumnName">The controls column <c>[1, 4, T]</c> (one sample; use the Options overload for N).</param>
    /// <param name="modelPath">The reward model (<c>reward.onnx</c>); null for the shipped default reward model (<see cref="Onnx.Models.ShippedModels"/>).</param>
    /// <returns>The estimator.</returns>
    public static RewardScoringEstimator ScoreReward(this TransformsCatalog catalog, string outputColumnName = "Reward", string cqtColumnName = "Cqt", string controlsColumnName = "Controls", string? modelPath = null) =>
        ScoreReward(catalog, new RewardScoringEstimator.Options { OutputColumnName = outputColumnName, CqtColumnName = cqtColumnName, ControlsColumnName = controlsColumnName, ModelPath = modelPath });

    /// <summary>Scores controls with an exported reward model.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The parameters (no <see cref="RewardScoringEstimator.Options.ModelPath"/>: the shipped default reward model).</param>
    /// <returns>The estimator.</returns>
    public static RewardScoringEstimator ScoreReward(this TransformsCatalog catalog, RewardScoringEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new RewardScoringEstimator(catalog, options, ModelFiles.Reward(options.ModelPath));
    }

    /// <summary>Scores controls with a reward model given as bytes (for example one just trained).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The parameters (<see cref="RewardScoringEstimator.Options.ModelPath"/> is ignored).</param>
    /// <param name="model">The reward ONNX model's bytes.</param>
    /// <returns>The estimator.</returns>
    public static RewardScoringEstimator ScoreReward(this TransformsCatalog catalog, RewardScoringEstimator.Options options, byte[] model)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(model);
        return new RewardScoringEstimator(catalog, options, model);
    }

    /// <summary>Best-of-N generation: N samples per row from a generator, scored by a reward model, the best kept.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The parameters (a model path left empty means the shipped default model).</param>
    /// <returns>The estimator.</returns>
    public static BestOfNEstimator GenerateBestOfN(this TransformsCatalog catalog, BestOfNEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new BestOfNEstimator(catalog, options);
    }
}
