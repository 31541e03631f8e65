using CqtMl.Onnx.Generation;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CqtMl.MLNet;

/// <summary>
/// The fitted control generator: a thin facade over a chain of ML.NET's own saveable transforms (see
/// <see cref="ControlGeneratorEstimator"/>). Saving writes that chain; <c>mlContext.Model.Load</c> returns it (register
/// this assembly with <c>mlContext.ComponentCatalog.RegisterAssembly</c> first, as for every custom mapping).
/// </summary>
public sealed class ControlGeneratorTransformer : ITransformer
{
    private readonly ITransformer _chain;

    internal ControlGeneratorTransformer(ITransformer chain, ControlGeneratorEstimator.Options options, GeneratorModelInfo info, byte[] onnxModel)
    {
        _chain = chain;
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
