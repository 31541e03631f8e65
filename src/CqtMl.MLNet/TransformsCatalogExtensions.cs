using Microsoft.ML;

namespace CqtMl.MLNet;

/// <summary>CQT transforms for <c>mlContext.Transforms</c>.</summary>
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
}
