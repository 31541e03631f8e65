using Microsoft.ML;

namespace CqtMl.MLNet;

/// <summary>
/// The fitted CQT: a thin facade over a chain of ML.NET's own saveable transforms (expression constants, the
/// <c>CqtMl.NativeCqt.v1</c> custom mapping for paths on the CPU, or the <c>CqtMl.DecodeAudio.v1</c> mapping and the ONNX
/// CQT, column clean-up). Saving writes that chain; <c>mlContext.Model.Load</c> returns it. With the native engine, the
/// data view it returns computes the next files on all cores while a cursor reads (same rows, same values).
/// </summary>
public sealed class CqtTransformer : ChainTransformer
{
    private readonly string? _nativeParameters;

    internal CqtTransformer(ITransformer chain, CqtEstimator.Options options, byte[] onnxModel, string? nativeParameters, OnnxModelFiles files)
        : base(chain, files)
    {
        Options = options;
        OnnxModel = onnxModel;
        _nativeParameters = nativeParameters;
    }

    /// <summary>Gets the options it was fitted with.</summary>
    public CqtEstimator.Options Options { get; }

    /// <summary>Gets the ONNX CQT model (used on a GPU, for export or batched scoring; the CPU path is native).</summary>
    public byte[] OnnxModel { get; }

    /// <inheritdoc/>
    public override IDataView Transform(IDataView input)
    {
        IDataView output = base.Transform(input);
        int parallel = Options.FilesInParallel ?? Environment.ProcessorCount;
        return _nativeParameters is null
            ? output
            : new PrefetchingDataView(input, output, Options.InputColumnName ?? Options.OutputColumnName, Options.OutputColumnName, _nativeParameters, parallel);
    }
}
