using CqtMl.Onnx.Generation;
using CqtMl.Onnx.Proto;
using CqtMl.Onnx.Runtime;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CqtMl.MLNet;

/// <summary>
/// Generates control signals from a CQT column with an exported generator (<c>generator.onnx</c>): deterministic or
/// stochastic (Gumbel-max at a temperature, optional inference-time dropout, seeded), several samples per row. The
/// output is a <c>Vector&lt;Single&gt;</c> laid out <c>[SampleCount, 4, T]</c>, values level / (K - 1). Fitting trains
/// nothing; the fitted chain (ML.NET's own transforms: a versioned custom mapping for the graph inputs and the ONNX
/// transform, which stores the model bytes) saves and loads like any ML.NET model. Each row is one ONNX Runtime call;
/// for bulk generation use <see cref="OnnxControlGenerator"/>, which scores batches.
/// </summary>
public sealed class ControlGeneratorEstimator : IEstimator<ControlGeneratorTransformer>
{
    private readonly TransformsCatalog _transforms;
    private readonly byte[] _model;

    internal ControlGeneratorEstimator(TransformsCatalog transforms, Options options, byte[] model)
    {
        _transforms = transforms;
        Opts = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.OutputColumnName, nameof(options.OutputColumnName));
        _model = model;
        Info = GeneratorModelInfo.Read(model, options.ModelPath ?? "the generator model");
        GenerationOf(options).Validate();
    }

    /// <summary>Gets the options.</summary>
    public Options Opts { get; }

    /// <summary>Gets what the model's metadata says about it.</summary>
    public GeneratorModelInfo Info { get; }

    private string InputColumn => Opts.InputColumnName ?? Opts.OutputColumnName;

    /// <summary>The generation parameters of <paramref name="options"/> (also checked by the trainer before it trains).</summary>
    internal static GenerationOptions GenerationOf(Options options) => new()
    {
        Mode = options.Mode,
        Temperature = options.Temperature,
        Seed = options.Seed,
        SampleCount = options.SampleCount,
        Dropout = options.Dropout,
        Coherence = options.Coherence,
    };

    /// <inheritdoc/>
    public ControlGeneratorTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        DataViewSchema.Column column = input.Schema.GetColumnOrNull(InputColumn)
            ?? throw new ArgumentOutOfRangeException(nameof(input), $"Input column '{InputColumn}' not found in the data.");
        if (column.Type is not VectorDataViewType { ItemType: var item } || item != NumberDataViewType.Single)
        {
            throw new ArgumentOutOfRangeException(nameof(input), $"Input column '{InputColumn}' must be a vector of Single (a CQT [2, {Info.Bins}, T]), not {column.Type}.");
        }

        return OnnxModelFiles.OwnedBy(files => new ControlGeneratorTransformer(BuildPipeline(files).Fit(input), Opts, Info, _model, files));
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaShape.Column column = inputSchema.FirstOrDefault(c => c.Name == InputColumn);
        if (column.Name is null || column.Kind == SchemaShape.Column.VectorKind.Scalar || column.ItemType != NumberDataViewType.Single)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Input column '{InputColumn}' must exist and be a vector of Single.");
        }

        using var files = new OnnxModelFiles();
        return BuildPipeline(files).GetOutputSchema(inputSchema);
    }

    private IEstimator<ITransformer> BuildPipeline(OnnxModelFiles files)
    {
        GenerationOptions generation = GenerationOf(Opts);
        string parameters = GeneratorInputsMapping.Encode(Info, generation);
        int samples = generation.SampleCount;

        // The graph's inputs this mode uses; the others keep their defaults (no noise, temperature 1, no dropout).
        var inputs = new List<string> { GeneratorContract.CqtInput };
        var shapes = new Dictionary<string, int[]> { [GeneratorContract.CqtInput] = new[] { samples, GeneratorContract.InputChannels, Info.Bins, -1 } };
        if (generation.Mode == GenerationMode.Stochastic)
        {
            inputs.AddRange(new[] { GeneratorContract.GumbelInput, GeneratorContract.TemperatureInput });
            shapes[GeneratorContract.GumbelInput] = new[] { samples, GeneratorContract.Registers, Info.Levels, -1 };
            shapes[GeneratorContract.TemperatureInput] = new[] { 1 };
            if (generation.Dropout > 0)
            {
                inputs.Add(GeneratorContract.DropoutMaskInput);
                shapes[GeneratorContract.DropoutMaskInput] = new[] { Info.Depth, samples, -1, Info.MlpDim };
            }
        }

        // ML.NET's ONNX transform feeds only inputs without a default: drop the defaults of the inputs fed here, and
        // fix the others at their defaults (constants ONNX Runtime can fold). It also rejects float16 weights: widen them.
        var optional = GeneratorContract.OptionalInputs.ToHashSet();
        byte[] model = OnnxModelEditor.WithoutInitializers(OnnxModelEditor.WithFloat32Weights(_model), optional.Intersect(inputs).ToHashSet());
        model = OnnxModelEditor.WithoutInputs(model, optional.Except(inputs).ToHashSet());
        int? device = OnnxExecution.ResolveDevice(Opts.GpuDeviceId, Opts.FallbackToCpu);
        string[] outputs = Opts.LogitsColumnName is null ? new[] { GeneratorContract.ControlsOutput } : new[] { GeneratorContract.ControlsOutput, GeneratorContract.LogitsOutput };
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>()
            .Append(_transforms.CopyColumns(GeneratorInputsMapping.SourceColumn, InputColumn))
            .Append(_transforms.CustomMapping<RowAnchorMapping.Input, RowAnchorMapping.Output>(RowAnchorMapping.Map, RowAnchorMapping.ContractName))
            .Append(_transforms.Expression(GeneratorInputsMapping.ParametersColumn, $"a => \"{parameters}\"", RowAnchorMapping.AnchorColumn))
            .Append(_transforms.CustomMapping<GeneratorInputsMapping.Input, GeneratorInputsMapping.Output>(GeneratorInputsMapping.Map, GeneratorInputsMapping.ContractName))
            .Append(_transforms.ApplyOnnxModel(outputs, inputs.ToArray(), files.Add(model), shapes, device, Opts.FallbackToCpu))
            .Append(_transforms.CopyColumns(Opts.OutputColumnName, GeneratorContract.ControlsOutput));
        if (Opts.LogitsColumnName is string logits)
        {
            chain = chain.Append(_transforms.CopyColumns(logits, GeneratorContract.LogitsOutput));
        }

        return chain.Append(_transforms.DropColumns(outputs.Concat(new[] { GeneratorInputsMapping.SourceColumn, RowAnchorMapping.AnchorColumn, GeneratorInputsMapping.ParametersColumn, GeneratorContract.CqtInput }).Concat(GeneratorContract.OptionalInputs).ToArray()));
    }

    /// <summary>Parameters of <see cref="ControlGeneratorEstimator"/>.</summary>
    public sealed class Options
    {
        /// <summary>The output column: <c>Vector&lt;Single&gt;</c> <c>[SampleCount, 4, T]</c>. Default "Controls".</summary>
        public string OutputColumnName = "Controls";

        /// <summary>The input CQT column (<c>[2, bins, T]</c>, as made by ExtractCqt); null means the output column's name. Default "Cqt".</summary>
        public string? InputColumnName = "Cqt";

        /// <summary>The generator model file (<c>generator.onnx</c>). Default null: the shipped default generator (unless the model's bytes are given).</summary>
        public string? ModelPath;

        /// <summary>Deterministic (argmax, no dropout) or stochastic. Default deterministic.</summary>
        public GenerationMode Mode = GenerationMode.Deterministic;

        /// <summary>The temperature of stochastic sampling (> 0). Default 1.</summary>
        public double Temperature = 1.0;

        /// <summary>The seed of stochastic sampling; every row uses it, so equal rows get equal samples. Default 0.</summary>
        public long Seed;

        /// <summary>The number of samples per row. Default 1.</summary>
        public int SampleCount = 1;

        /// <summary>Inference-time dropout probability on the MLP hidden units, stochastic mode only. Default 0.</summary>
        public double Dropout;

        /// <summary>
        /// The correlation time of the Gumbel noise in seconds, stochastic mode only (see
        /// <see cref="GenerationOptions.Coherence"/>; 0 draws every frame independently). Default
        /// <see cref="GenerationOptions.DefaultCoherence"/>.
        /// </summary>
        public double Coherence = GenerationOptions.DefaultCoherence;

        /// <summary>
        /// When set, also output the logits in this column: <c>Vector&lt;Single&gt;</c> <c>[SampleCount, 4, K, T]</c>
        /// (the same for every sample; sampling perturbs them with noise afterwards). Default null (no logits column).
        /// </summary>
        public string? LogitsColumnName;

        /// <summary>The CUDA device to run on, or null for the CPU. Default null.</summary>
        public int? GpuDeviceId;

        /// <summary>Whether to fall back to the CPU (logged) when CUDA cannot be used; otherwise fail. Default false.</summary>
        public bool FallbackToCpu;
    }
}
