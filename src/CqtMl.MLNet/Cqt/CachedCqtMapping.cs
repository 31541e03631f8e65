using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace CqtMl.MLNet;

/// <summary>
/// The saved contract <c>CqtMl.CachedCqt.v1</c>: the CQT of an audio file computed by the native engine through a
/// <see cref="CqtCache"/>. Models saved before <see cref="NativeCqtMapping"/> replaced it use it; it now computes
/// exactly as that mapping does (the same parameters text, always naming a cache folder).
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class CachedCqtMapping : CustomMappingFactory<CachedCqtMapping.Input, CachedCqtMapping.Output>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "CqtMl.CachedCqt.v1";

    /// <summary>The helper column holding the encoded parameters.</summary>
    public const string ParametersColumn = NativeCqtMapping.ParametersColumn;

    /// <summary>The helper column receiving the tensor.</summary>
    public const string OutputColumn = NativeCqtMapping.OutputColumn;

    /// <inheritdoc/>
    public override Action<Input, Output> GetMapping() => Map;

    /// <summary>Computes (or fetches) one row's CQT.</summary>
    /// <param name="input">The path and the encoded parameters.</param>
    /// <param name="output">Receives the tensor <c>[2, bins, T]</c>.</param>
    public static void Map(Input input, Output output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        output.Cqt = NativeCqt.Map(input.Path, input.Parameters);
    }

    /// <summary>The mapping's input row.</summary>
    public sealed class Input
    {
        /// <summary>Gets or sets the audio file path.</summary>
        [ColumnName(AudioDecodingMapping.PathColumn)]
        public string Path { get; set; } = string.Empty;

        /// <summary>Gets or sets the encoded parameters.</summary>
        [ColumnName(ParametersColumn)]
        public string Parameters { get; set; } = string.Empty;
    }

    /// <summary>The mapping's output row.</summary>
    public sealed class Output
    {
        /// <summary>Gets or sets the CQT tensor.</summary>
        [ColumnName(OutputColumn)]
        [VectorType]
        public float[] Cqt { get; set; } = Array.Empty<float>();
    }
}
