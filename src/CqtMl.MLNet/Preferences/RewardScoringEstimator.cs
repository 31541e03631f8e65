using CqtMl.Onnx.Proto;
using CqtMl.Onnx.Reward;
using CqtMl.Onnx.Runtime;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CqtMl.MLNet;

/// <summary>
/// Scores controls with an exported reward model (<c>reward.onnx</c>): a CQT column <c>[2, bins, T]</c> and a controls
/// column <c>[N, 4, T]</c> (N = <see cref="Options.SampleCount"/>, as <c>GenerateControls</c> writes them) give a reward
/// column <c>Vector&lt;Single&gt;</c> <c>[N]</c>. Fitting trains nothing; the fitted chain (ML.NET's own transforms: a
/// versioned custom mapping and the ONNX transform, which stores the model bytes) saves and loads like any ML.NET
/// model. Each row is one ONNX Runtime call; <see cref="OnnxRewardModel"/> scores in batches.
/// </summary>
public sealed class RewardScoringEstimator : IEstimator<RewardScoringTransformer>
{
    private readonly TransformsCatalog _transforms;
    private readonly byte[] _model;

    internal RewardScoringEstimator(TransformsCatalog transforms, Options options, byte[] model)
    {
        _transforms = transforms;
        Opts = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.OutputColumnName, nameof(options.OutputColumnName));
        ArgumentException.ThrowIfNullOrEmpty(options.CqtColumnName, nameof(options.CqtColumnName));
        ArgumentException.ThrowIfNullOrEmpty(options.ControlsColumnName, nameof(options.ControlsColumnName));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.SampleCount, nameof(options.SampleCount));
        _model = model;
        Info = RewardModelInfo.Read(model, options.ModelPath ?? "the reward model");
    }

    /// <summary>Gets the options.</summary>
    public Options Opts { get; }

    /// <summary>Gets what the model's metadata says about it.</summary>
    public RewardModelInfo Info { get; }

    /// <inheritdoc/>
    public RewardScoringTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        foreach (string name in new[] { Opts.CqtColumnName, Opts.ControlsColumnName })
        {
            DataViewSchema.Column column = input.Schema.GetColumnOrNull(name)
                ?? throw new ArgumentOutOfRangeException(nameof(input), $"Input column '{name}' not found in the data.");
            if (column.Type is not VectorDataViewType { ItemType: var item } || item != NumberDataViewType.Single)
            {
                throw new ArgumentOutOfRangeException(nameof(input), $"Input column '{name}' must be a vector of Single, not {column.Type}.");
            }
        }

        return OnnxModelFiles.OwnedBy(files => new RewardScoringTransformer(BuildPipeline(files).Fit(input), Opts, Info, _model, files));
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        foreach (string name in new[] { Opts.CqtColumnName, Opts.ControlsColumnName })
        {
            SchemaShape.Column column = inputSchema.FirstOrDefault(c => c.Name == name);
            if (column.Name is null || column.Kind == SchemaShape.Column.VectorKind.Scalar || column.ItemType != NumberDataViewType.Single)
            {
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Input column '{name}' must exist and be a vector of Single.");
            }
        }

        using var files = new OnnxModelFiles();
        return BuildPipeline(files).GetOutputSchema(inputSchema);
    }

    private IEstimator<ITransformer> BuildPipeline(OnnxModelFiles files)
    {
        int samples = Opts.SampleCount;
        string parameters = RewardInputsMapping.Encode(Info.Bins, samples);
        var shapes = new Dictionary<string, int[]>
        {
            [RewardContract.CqtInput] = new[] { samples, RewardContract.InputChannels, Info.Bins, -1 },
            [RewardContract.ControlsInput] = new[] { samples, RewardContract.Registers, -1 },
        };
        int? device = OnnxExecution.ResolveDevice(Opts.GpuDeviceId, Opts.FallbackToCpu);
        string[] inputs = { RewardContract.CqtInput, RewardContract.ControlsInput };
        return new EstimatorChain<ITransformer>()
            .Append(_transforms.CopyColumns(GeneratorInputsMapping.SourceColumn, Opts.CqtColumnName))
            .Append(_transforms.CopyColumns(RewardInputsMapping.ControlsSourceColumn, Opts.ControlsColumnName))
            .Append(_transforms.CustomMapping<RowAnchorMapping.Input, RowAnchorMapping.Output>(RowAnchorMapping.Map, RowAnchorMapping.ContractName))
            .Append(_transforms.Expression(RewardInputsMapping.ParametersColumn, $"a => \"{parameters}\"", RowAnchorMapping.AnchorColumn))
            .Append(_transforms.CustomMapping<RewardInputsMapping.Input, RewardInputsMapping.Output>(RewardInputsMapping.Map, RewardInputsMapping.ContractName))
            .Append(_transforms.ApplyOnnxModel(new[] { RewardContract.RewardOutput }, inputs, files.Add(OnnxModelEditor.WithFloat32Weights(_model)), shapes, device, Opts.FallbackToCpu)) // ML.NET rejects float16 weights
            .Append(_transforms.CopyColumns(Opts.OutputColumnName, RewardContract.RewardOutput))
            .Append(_transforms.DropColumns(new[] { RewardContract.RewardOutput, RewardContract.CqtInput, RewardContract.ControlsInput, GeneratorInputsMapping.SourceColumn, RewardInputsMapping.ControlsSourceColumn, RowAnchorMapping.AnchorColumn, RewardInputsMapping.ParametersColumn }));
    }

    /// <summary>Parameters of <see cref="RewardScoringEstimator"/>.</summary>
    public sealed class Options
    {
        /// <summary>The output column: <c>Vector&lt;Single&gt;</c> <c>[N]</c>, one reward per sample. Default "Reward".</summary>
        public string OutputColumnName = "Reward";

        /// <summary>The CQT column <c>[2, bins, T]</c>. Default "Cqt".</summary>
        public string CqtColumnName = "Cqt";

        /// <summary>The controls column <c>[N, 4, T]</c>. Default "Controls".</summary>
        public string ControlsColumnName = "Controls";

        /// <summary>N, the samples in each controls row (GenerateControls' SampleCount). Default 1.</summary>
        public int SampleCount = 1;

        /// <summary>The reward model file (<c>reward.onnx</c>). Default null: the shipped default reward model (unless the model's bytes are given).</summary>
        public string? ModelPath;

        /// <summary>The CUDA device to run on, or null for the CPU. Default null.</summary>
        public int? GpuDeviceId;

        /// <summary>Whether to fall back to the CPU (logged) when CUDA cannot be used; otherwise fail. Default false.</summary>
        public bool FallbackToCpu;
    }
}
