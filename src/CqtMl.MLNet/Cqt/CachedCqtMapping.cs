using Microsoft.ML.Transforms;

namespace CqtMl.MLNet;

/// <summary>
/// The saved contract <c>CqtMl.CachedCqt.v1</c>: the CQT of an audio file computed by the native engine through a
/// <see cref="CqtCache"/>. Models saved before <see cref="NativeCqtMapping"/> replaced it use it; it reads the same
/// columns (the same parameters text, always naming a cache folder) and computes exactly as that mapping does.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class CachedCqtMapping : CustomMappingFactory<NativeCqtMapping.Input, NativeCqtMapping.Output>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "CqtMl.CachedCqt.v1";

    /// <inheritdoc/>
    public override Action<NativeCqtMapping.Input, NativeCqtMapping.Output> GetMapping() => NativeCqtMapping.Map;
}
