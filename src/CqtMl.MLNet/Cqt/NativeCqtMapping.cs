using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace CqtMl.MLNet;

/// <summary>
/// The saved contract <c>CqtMl.NativeCqt.v1</c>: the CQT of the audio file named in <see cref="Input.Path"/> by the
/// native engine, streamed (decode -> mix -> resample -> CQT in blocks), through the disk cache when the parameters name
/// one. <see cref="CqtEstimator"/> uses it on the CPU; all parameters travel in one constant text column
/// (<see cref="NativeCqtParameters"/>).
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class NativeCqtMapping : CustomMappingFactory<NativeCqtMapping.Input, NativeCqtMapping.Output>
{
    /// <summary>The contract name stored in saved models; bump the version when the semantics change.</summary>
    public const string ContractName = "CqtMl.NativeCqt.v1";

    /// <summary>The helper column holding the encoded parameters.</summary>
    public const string ParametersColumn = "__cqtml_cqt_parameters";

    /// <summary>The helper column receiving the tensor.</summary>
    public const string OutputColumn = "__cqtml_cqt";

    /// <inheritdoc/>
    public override Action<Input, Output> GetMapping() => Map;

    /// <summary>
    /// Computes (or fetches) one row's CQT. The array behind the value it gave <paramref name="output"/> before is reused
    /// by later rows: copy a value out (as ML.NET's getters do) before mapping the next row into the same output.
    /// </summary>
    /// <param name="input">The path and the encoded parameters.</param>
    /// <param name="output">Receives the tensor <c>[2, bins, T]</c>.</param>
    public static void Map(Input input, Output output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        CqtTensorBuffer tensor = NativeCqt.Map(input.Path, input.Parameters);

        // ML.NET keeps one output object per cursor and copies the value out when the row is read, so the previous
        // row's array is no longer seen by anyone once this row replaces it: it goes back to the pool for a later file.
        CqtTensorBuffer? previous = output.Shown;
        output.Cqt = new VBuffer<float>(tensor.Length, tensor.Values);
        output.Shown = tensor;
        previous?.Return();
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
        public VBuffer<float> Cqt { get; set; }

        /// <summary>Gets or sets the buffer behind <see cref="Cqt"/>, returned to its pool when the next row replaces it.</summary>
        internal CqtTensorBuffer? Shown { get; set; }
    }
}
