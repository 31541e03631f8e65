using System.Globalization;
using CqtMl.Onnx.Generation;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace CqtMl.MLNet;

/// <summary>
/// The versioned custom mapping (<c>CqtMl.GeneratorInputs.v1</c>) that turns one row's CQT into the generator graph's
/// inputs for <see cref="GenerationOptions.SampleCount"/> samples at once: the CQT repeated per sample, the Gumbel
/// noise, the temperature and the dropout mask of every sample, exactly as <see cref="OnnxControlGenerator"/> makes
/// them for a batch of one (so the ML.NET pipeline, the CLI and TorchSharp agree). Its parameters arrive in a
/// constant column (see <see cref="Encode"/>), the one way ML.NET lets a saved custom mapping carry them.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class GeneratorInputsMapping : CustomMappingFactory<GeneratorInputsMapping.Input, GeneratorInputsMapping.Output>
{
    /// <summary>The contract name saved in models.</summary>
    public const string ContractName = "CqtMl.GeneratorInputs.v1";

    /// <summary>The helper column holding the source CQT.</summary>
    public const string SourceColumn = "__cqtml_gen_source";

    /// <summary>The helper column holding the encoded parameters.</summary>
    public const string ParametersColumn = "__cqtml_gen_parameters";

    /// <inheritdoc/>
    public override Action<Input, Output> GetMapping() => Map;

    /// <summary>Encodes the model description and generation options for the parameters column.</summary>
    /// <param name="info">The generator model's description.</param>
    /// <param name="options">The generation options.</param>
    /// <returns>The encoded parameters.</returns>
    public static string Encode(GeneratorModelInfo info, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(options);
        return string.Join(';', new[]
        {
            info.Bins, info.Levels, info.Depth, info.MlpDim, info.FrequencyTokens, (int)options.Mode, options.SampleCount,
        }.Select(v => v.ToString(CultureInfo.InvariantCulture)).Concat(new[]
        {
            options.Temperature.ToString("R", CultureInfo.InvariantCulture),
            options.Seed.ToString(CultureInfo.InvariantCulture),
            options.Dropout.ToString("R", CultureInfo.InvariantCulture),
            options.Coherence.ToString("R", CultureInfo.InvariantCulture),
            info.Cqt.FrameRate.ToString("R", CultureInfo.InvariantCulture),
        }));
    }

    /// <summary>Builds the generator inputs of one row.</summary>
    /// <param name="input">The row's CQT and parameters.</param>
    /// <param name="output">The graph inputs.</param>
    public static void Map(Input input, Output output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        (GeneratorModelInfo info, GenerationOptions options, double frameRate) = Decode(input.Parameters);
        float[] cqt = input.Cqt;
        int perFrame = GeneratorContract.InputChannels * info.Bins;
        if (cqt.Length == 0 || cqt.Length % perFrame != 0)
        {
            throw new InvalidOperationException($"A CQT row has {cqt.Length} values: expected [2, {info.Bins}, T] with T >= 1 (a positive multiple of {perFrame}); check the channel and bin counts.");
        }

        if (Array.Exists(cqt, v => !float.IsFinite(v)))
        {
            throw new InvalidOperationException("A CQT row contains NaN or infinite values.");
        }

        int frames = cqt.Length / perFrame, samples = options.SampleCount;
        output.Cqt = new float[samples * cqt.Length];
        for (int s = 0; s < samples; s++)
        {
            cqt.CopyTo(output.Cqt, s * cqt.Length);
        }

        output.Temperature = new[] { (float)options.Temperature };
        int noiseCount = GeneratorContract.Registers * info.Levels * frames;
        output.Gumbel = options.Mode == GenerationMode.Stochastic ? new float[samples * noiseCount] : Array.Empty<float>();
        int block = info.Tokens(frames) * info.MlpDim;
        bool dropout = options.Mode == GenerationMode.Stochastic && options.Dropout > 0;
        output.DropoutMask = dropout ? new float[info.Depth * samples * block] : Array.Empty<float>();
        for (int s = 0; s < samples; s++)
        {
            options.NoiseFor(s, 1, info.Levels, frames, frameRate)?.CopyTo(output.Gumbel, s * noiseCount);
            if (options.DropoutMaskFor(s, info.Depth * block) is float[] mask)
            {
                // Sample s's mask is [depth, 1, tokens, mlp]; the batch of samples needs [depth, samples, tokens, mlp].
                for (int d = 0; d < info.Depth; d++)
                {
                    Array.Copy(mask, d * block, output.DropoutMask, ((d * samples) + s) * block, block);
                }
            }
        }
    }

    /// <summary>Decodes <see cref="Encode"/>'s parameters; models saved before coherent noise have 10 (coherence 0).</summary>
    private static (GeneratorModelInfo Info, GenerationOptions Options, double FrameRate) Decode(string parameters)
    {
        string[] parts = parameters.Split(';');
        if (parts.Length is not (10 or 12))
        {
            throw new InvalidOperationException($"Malformed generator parameters '{parameters}'.");
        }

        int I(int i) => int.Parse(parts[i], CultureInfo.InvariantCulture);
        // The mapping needs only the model's sizes: the bin count stands in for the CQT parameters.
        var info = new GeneratorModelInfo(new CqtMl.Audio.Cqt.CqtOptions { BinCount = I(0) }, I(1), I(2), I(3), I(4));
        var options = new GenerationOptions
        {
            Mode = (GenerationMode)I(5),
            SampleCount = I(6),
            Temperature = double.Parse(parts[7], CultureInfo.InvariantCulture),
            Seed = long.Parse(parts[8], CultureInfo.InvariantCulture),
            Dropout = double.Parse(parts[9], CultureInfo.InvariantCulture),
            Coherence = parts.Length > 10 ? double.Parse(parts[10], CultureInfo.InvariantCulture) : 0,
        };
        double frameRate = parts.Length > 10 ? double.Parse(parts[11], CultureInfo.InvariantCulture) : 1;
        return (info, options, frameRate);
    }

    /// <summary>The mapping's input row.</summary>
    public sealed class Input
    {
        /// <summary>Gets or sets the CQT <c>[2, bins, T]</c>.</summary>
        [ColumnName(SourceColumn)]
        public float[] Cqt { get; set; } = Array.Empty<float>();

        /// <summary>Gets or sets the encoded parameters.</summary>
        [ColumnName(ParametersColumn)]
        public string Parameters { get; set; } = string.Empty;
    }

    /// <summary>The mapping's output row: the generator graph's inputs.</summary>
    public sealed class Output
    {
        /// <summary>Gets or sets the CQT repeated per sample <c>[samples, 2, bins, T]</c>.</summary>
        [ColumnName(GeneratorContract.CqtInput)]
        public float[] Cqt { get; set; } = Array.Empty<float>();

        /// <summary>Gets or sets the Gumbel noise <c>[samples, 4, K, T]</c> (empty in deterministic mode).</summary>
        [ColumnName(GeneratorContract.GumbelInput)]
        public float[] Gumbel { get; set; } = Array.Empty<float>();

        /// <summary>Gets or sets the temperature <c>[1]</c>.</summary>
        [ColumnName(GeneratorContract.TemperatureInput)]
        [VectorType(1)]
        public float[] Temperature { get; set; } = new float[1];

        /// <summary>Gets or sets the dropout mask <c>[depth, samples, tokens, mlp]</c> (empty without dropout).</summary>
        [ColumnName(GeneratorContract.DropoutMaskInput)]
        public float[] DropoutMask { get; set; } = Array.Empty<float>();
    }
}
