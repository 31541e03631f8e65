using CqtMl.Onnx.Reward;
using Microsoft.ML;

namespace CqtMl.MLNet;

/// <summary>
/// The fitted reward scorer: a thin facade over a chain of ML.NET's own saveable transforms (see
/// <see cref="RewardScoringEstimator"/>). Saving writes that chain; <c>mlContext.Model.Load</c> returns it (register
/// this assembly with <c>mlContext.ComponentCatalog.RegisterAssembly</c> first, as for every custom mapping).
/// </summary>
public sealed class RewardScoringTransformer : ChainTransformer
{
    internal RewardScoringTransformer(ITransformer chain, RewardScoringEstimator.Options options, RewardModelInfo info, byte[] onnxModel, OnnxModelFiles files)
        : base(chain, files)
    {
        Options = options;
        Info = info;
        OnnxModel = onnxModel;
    }

    /// <summary>Gets the options it was made with.</summary>
    public RewardScoringEstimator.Options Options { get; }

    /// <summary>Gets what the reward model's metadata says about it.</summary>
    public RewardModelInfo Info { get; }

    /// <summary>Gets the reward ONNX model (for batched scoring with <see cref="OnnxRewardModel"/>).</summary>
    public byte[] OnnxModel { get; }
}
