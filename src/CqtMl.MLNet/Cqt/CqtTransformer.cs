using Microsoft.ML;
using Microsoft.ML.Data;

namespace CqtMl.MLNet;

/// <summary>
/// The fitted CQT: a thin facade over a chain of ML.NET's own saveable transforms (expression constants, the
/// <c>CqtMl.DecodeAudio.v1</c> custom mapping for paths, the ONNX CQT, column clean-up). Saving writes that chain;
/// <c>mlContext.Model.Load</c> returns it.
/// </summary>
public sealed class CqtTransformer : ITransformer
{
    private readonly ITransformer _chain;

    internal CqtTransformer(ITransformer chain, CqtEstimator.Options options, byte[] onnxModel)
    {
        _chain = chain;
        Options = options;
        OnnxModel = onnxModel;
    }

    /// <summary>Gets the options it was fitted with.</summary>
    public CqtEstimator.Options Options { get; }

    /// <summary>Gets the ONNX CQT model inside the chain (for export or batched scoring).</summary>
    public byte[] OnnxModel { get; }

    /// <inheritdoc/>
    public bool IsRowToRowMapper => _chain.IsRowToRowMapper;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _chain.GetOutputSchema(inputSchema);

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _chain.GetRowToRowMapper(inputSchema);

    /// <inheritdoc/>
    public IDataView Transform(IDataView input) => _chain.Transform(input);

    /// <inheritdoc/>
    void ICanSaveModel.Save(ModelSaveContext ctx) => _chain.Save(ctx);
}
