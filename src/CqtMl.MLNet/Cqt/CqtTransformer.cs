using Microsoft.ML;

namespace CqtMl.MLNet;

/// <summary>
/// The fitted CQT: a thin facade over a chain of ML.NET's own saveable transforms (expression constants, the
/// <c>CqtMl.DecodeAudio.v1</c> custom mapping for paths, the ONNX CQT, column clean-up). Saving writes that chain;
/// <c>mlContext.Model.Load</c> returns it.
/// </summary>
public sealed class CqtTransformer : ChainTransformer
{
    internal CqtTransformer(ITransformer chain, CqtEstimator.Options options, byte[] onnxModel)
        : base(chain)
    {
        Options = options;
        OnnxModel = onnxModel;
    }

    /// <summary>Gets the options it was fitted with.</summary>
    public CqtEstimator.Options Options { get; }

    /// <summary>Gets the ONNX CQT model inside the chain (for export or batched scoring).</summary>
    public byte[] OnnxModel { get; }
}
