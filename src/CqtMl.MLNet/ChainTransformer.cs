using Microsoft.ML;
using Microsoft.ML.Data;

namespace CqtMl.MLNet;

/// <summary>
/// A fitted transformer that is a thin facade over a chain of ML.NET's own saveable transforms: every
/// <see cref="ITransformer"/> member forwards to the chain, and saving writes the chain, so
/// <c>mlContext.Model.Load</c> returns the chain. (ML.NET does not let code outside it save a transformer of its own.)
/// Dispose it when done: its ONNX transforms hold ONNX Runtime sessions and their models in temporary files. (The chain
/// <c>mlContext.Model.Load</c> returns holds copies that ML.NET writes to <see cref="MLContext.TempFilePath"/> and deletes
/// only when it is disposed: cast it to <see cref="IDisposable"/>.)
/// </summary>
public abstract class ChainTransformer : ITransformer, IDisposable
{
    private readonly ITransformer _chain;
    private readonly OnnxModelFiles? _files;

    /// <summary>Initializes the facade.</summary>
    /// <param name="chain">The fitted chain.</param>
    /// <param name="files">The files of the chain's ONNX models, deleted on disposal; null when it has none of its own.</param>
    private protected ChainTransformer(ITransformer chain, OnnxModelFiles? files)
    {
        _chain = chain ?? throw new ArgumentNullException(nameof(chain));
        _files = files;
    }

    /// <summary>Gets the paths of the files that hold its ONNX models until it is disposed.</summary>
    internal IReadOnlyList<string> ModelFilePaths => _files?.Paths ?? Array.Empty<string>();

    /// <inheritdoc/>
    public bool IsRowToRowMapper => _chain.IsRowToRowMapper;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _chain.GetOutputSchema(inputSchema);

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _chain.GetRowToRowMapper(inputSchema);

    /// <inheritdoc/>
    public virtual IDataView Transform(IDataView input) => _chain.Transform(input);

    /// <inheritdoc/>
    void ICanSaveModel.Save(ModelSaveContext ctx) => _chain.Save(ctx);

    /// <summary>
    /// Disposes the chain's transforms (their ONNX Runtime sessions are released), then deletes their model files. Idempotent.
    /// </summary>
    public void Dispose()
    {
        (_chain as IDisposable)?.Dispose();
        _files?.Dispose();
        GC.SuppressFinalize(this);
    }
}
