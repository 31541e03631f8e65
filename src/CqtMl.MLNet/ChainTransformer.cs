using Microsoft.ML;
using Microsoft.ML.Data;

namespace CqtMl.MLNet;

/// <summary>
/// A fitted transformer that is a thin facade over a chain of ML.NET's own saveable transforms: every
/// <see cref="ITransformer"/> member forwards to the chain, and saving writes the chain, so
/// <c>mlContext.Model.Load</c> returns the chain. (ML.NET does not let code outside it save a transformer of its own.)
/// </summary>
public abstract class ChainTransformer : ITransformer
{
    private readonly ITransformer _chain;

    /// <summary>Initializes the facade.</summary>
    /// <param name="chain">The fitted chain.</param>
    private protected ChainTransformer(ITransformer chain) => _chain = chain ?? throw new ArgumentNullException(nameof(chain));

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
}
