using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace CqtMl.MLNet;

/// <summary>
/// A versioned custom mapping (<c>CqtMl.RowAnchor.v1</c>) that gives every row a scalar column (always 0). ML.NET's
/// expression transform, which makes the constant parameter columns of the project's saved mappings, needs a scalar
/// input column, and a CQT column is a vector. It reads the generator's source column only to have an input.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class RowAnchorMapping : CustomMappingFactory<RowAnchorMapping.Input, RowAnchorMapping.Output>
{
    /// <summary>The contract name saved in models.</summary>
    public const string ContractName = "CqtMl.RowAnchor.v1";

    /// <summary>The anchor column.</summary>
    public const string AnchorColumn = "__cqtml_anchor";

    /// <inheritdoc/>
    public override Action<Input, Output> GetMapping() => Map;

    /// <summary>Sets the anchor.</summary>
    /// <param name="input">Any row.</param>
    /// <param name="output">The anchor (0).</param>
    public static void Map(Input input, Output output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Anchor = 0;
    }

    /// <summary>The mapping's input: the generator's source CQT column (not read).</summary>
    public sealed class Input
    {
        /// <summary>Gets or sets the source CQT.</summary>
        [ColumnName(GeneratorInputsMapping.SourceColumn)]
        public float[] Cqt { get; set; } = Array.Empty<float>();
    }

    /// <summary>The mapping's output.</summary>
    public sealed class Output
    {
        /// <summary>Gets or sets the anchor value.</summary>
        [ColumnName(AnchorColumn)]
        public float Anchor { get; set; }
    }
}
