using System.Globalization;
using CqtMl.Onnx.Reward;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace CqtMl.MLNet;

/// <summary>
/// The versioned custom mapping (<c>CqtMl.RewardInputs.v1</c>) that turns one row's CQT <c>[2, bins, T]</c> and
/// controls <c>[N, 4, T]</c> into the reward graph's inputs: the CQT repeated N times and the controls. Its parameters
/// (bins; N) arrive in a constant column, the one way ML.NET lets a saved custom mapping carry them.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class RewardInputsMapping : CustomMappingFactory<RewardInputsMapping.Input, RewardInputsMapping.Output>
{
    /// <summary>The contract name saved in models.</summary>
    public const string ContractName = "CqtMl.RewardInputs.v1";

    /// <summary>The helper column holding the source controls.</summary>
    public const string ControlsSourceColumn = "__cqtml_reward_controls";

    /// <summary>The helper column holding the encoded parameters.</summary>
    public const string ParametersColumn = "__cqtml_reward_parameters";

    /// <inheritdoc/>
    public override Action<Input, Output> GetMapping() => Map;

    /// <summary>Encodes the parameters for the parameters column.</summary>
    /// <param name="bins">The model's CQT bins.</param>
    /// <param name="samples">N, the samples per row.</param>
    /// <returns>The encoded parameters.</returns>
    public static string Encode(int bins, int samples) => string.Create(CultureInfo.InvariantCulture, $"{bins};{samples}");

    /// <summary>Builds the reward inputs of one row.</summary>
    /// <param name="input">The row's CQT, controls and parameters.</param>
    /// <param name="output">The graph inputs.</param>
    public static void Map(Input input, Output output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        string[] parts = input.Parameters.Split(';');
        if (parts.Length != 2)
        {
            throw new InvalidOperationException($"Malformed reward parameters '{input.Parameters}'.");
        }

        int bins = int.Parse(parts[0], CultureInfo.InvariantCulture), samples = int.Parse(parts[1], CultureInfo.InvariantCulture);
        float[] cqt = input.Cqt, controls = input.Controls;
        int perFrame = RewardContract.InputChannels * bins;
        if (cqt.Length == 0 || cqt.Length % perFrame != 0)
        {
            throw new InvalidOperationException($"A CQT row has {cqt.Length} values: expected [2, {bins}, T] with T >= 1.");
        }

        int frames = cqt.Length / perFrame;
        if (controls.Length != samples * RewardContract.Registers * frames)
        {
            throw new InvalidOperationException($"A controls row has {controls.Length} values: expected [{samples}, {RewardContract.Registers}, {frames}] for the row's {frames} CQT frames and SampleCount {samples}.");
        }

        if (Array.Exists(cqt, v => !float.IsFinite(v)) || Array.Exists(controls, v => !float.IsFinite(v)))
        {
            throw new InvalidOperationException("A CQT or controls row contains NaN or infinite values.");
        }

        output.Cqt = new float[samples * cqt.Length];
        for (int s = 0; s < samples; s++)
        {
            cqt.CopyTo(output.Cqt, s * cqt.Length);
        }

        output.Controls = controls;
    }

    /// <summary>The mapping's input row.</summary>
    public sealed class Input
    {
        /// <summary>Gets or sets the CQT <c>[2, bins, T]</c>.</summary>
        [ColumnName(GeneratorInputsMapping.SourceColumn)]
        public float[] Cqt { get; set; } = Array.Empty<float>();

        /// <summary>Gets or sets the controls <c>[N, 4, T]</c>.</summary>
        [ColumnName(ControlsSourceColumn)]
        public float[] Controls { get; set; } = Array.Empty<float>();

        /// <summary>Gets or sets the encoded parameters.</summary>
        [ColumnName(ParametersColumn)]
        public string Parameters { get; set; } = string.Empty;
    }

    /// <summary>The mapping's output row: the reward graph's inputs.</summary>
    public sealed class Output
    {
        /// <summary>Gets or sets the CQT repeated per sample <c>[N, 2, bins, T]</c>.</summary>
        [ColumnName(RewardContract.CqtInput)]
        public float[] Cqt { get; set; } = Array.Empty<float>();

        /// <summary>Gets or sets the controls <c>[N, 4, T]</c>.</summary>
        [ColumnName(RewardContract.ControlsInput)]
        public float[] Controls { get; set; } = Array.Empty<float>();
    }
}
