using CqtMl.Onnx.Generation;
using Microsoft.ML;

namespace CqtMl.MLNet;

/// <summary>
/// The fitted control generator: a thin facade over a chain of ML.NET's own saveable transforms (see
/// <see cref="ControlGeneratorEstimator"/>). Saving writes that chain; <c>mlContext.Model.Load</c> returns it (register
/// this assembly with <c>mlContext.ComponentCatalog.RegisterAssembly</c> first, as for every custom mapping).
/// </summary>
public sealed class ControlGeneratorTransformer : ChainTransformer
{
    internal ControlGeneratorTransformer(ITransformer chain, ControlGeneratorEstimator.Options options, GeneratorModelInfo info, byte[] onnxModel, OnnxModelFiles files)
        : base(chain, files)
    {
        Options = options;
        Info = info;
        OnnxModel = onnxModel;
    }

    /// <summary>Gets the options it was made with.</summary>
    public ControlGeneratorEstimator.Options Options { get; }

    /// <summary>Gets what the generator model's metadata says about it.</summary>
    public GeneratorModelInfo Info { get; }

    /// <summary>Gets the generator ONNX model (for export or batched scoring with <see cref="OnnxControlGenerator"/>).</summary>
    public byte[] OnnxModel { get; }
}
