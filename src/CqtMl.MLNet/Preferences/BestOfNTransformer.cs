using Microsoft.ML;

namespace CqtMl.MLNet;

/// <summary>The fitted best-of-N generator: a thin facade over ML.NET's own saveable transforms (see <see cref="BestOfNEstimator"/>).</summary>
public sealed class BestOfNTransformer : ChainTransformer
{
    internal BestOfNTransformer(ITransformer chain)
        : base(chain, null)
    {
    }
}
