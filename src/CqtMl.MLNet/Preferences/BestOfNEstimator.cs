using CqtMl.Onnx.Generation;
using CqtMl.Onnx.Reward;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CqtMl.MLNet;

/// <summary>
/// Best-of-N generation in a pipeline: N stochastic samples per row from a generator (<c>GenerateControls</c>), scored
/// by a reward model (<c>ScoreReward</c>), the best kept (<see cref="BestOfNMapping"/>): outputs the chosen controls
/// <c>[1, 4, T]</c>, its reward and, on request, all N rewards. Made of ML.NET's own saveable parts, so it saves and
/// loads like any model; the same seed picks the same sample in any process.
/// </summary>
public sealed class BestOfNEstimator : IEstimator<BestOfNTransformer>
{
    private readonly TransformsCatalog _transforms;

    internal BestOfNEstimator(TransformsCatalog transforms, Options options)
    {
        _transforms = transforms;
        Opts = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.OutputColumnName, nameof(options.OutputColumnName));
        ArgumentException.ThrowIfNullOrEmpty(options.RewardColumnName, nameof(options.RewardColumnName));
        Generation.Validate();
        GeneratorModelInfo generator = GeneratorModelInfo.Read(ModelFiles.Generator(options.GeneratorModelPath), ModelFiles.Describe(options.GeneratorModelPath));
        RewardModelInfo reward = RewardModelInfo.Read(ModelFiles.Reward(options.RewardModelPath), ModelFiles.Describe(options.RewardModelPath));
        BestOfN.CheckSameCqt(generator, reward);
    }

    /// <summary>Gets the options.</summary>
    public Options Opts { get; }

    private GenerationOptions Generation => new()
    {
        Mode = GenerationMode.Stochastic,
        SampleCount = Opts.SampleCount,
        Temperature = Opts.Temperature,
        Dropout = Opts.Dropout,
        Coherence = Opts.Coherence,
        Seed = Opts.Seed,
    };

    /// <inheritdoc/>
    public BestOfNTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new BestOfNTransformer(BuildPipeline().Fit(input));
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => BuildPipeline().GetOutputSchema(inputSchema);

    private IEstimator<ITransformer> BuildPipeline()
    {
        var generate = new ControlGeneratorEstimator.Options
        {
            ModelPath = Opts.GeneratorModelPath, InputColumnName = Opts.InputColumnName, OutputColumnName = BestOfNMapping.SamplesColumn,
            Mode = GenerationMode.Stochastic, SampleCount = Opts.SampleCount, Temperature = Opts.Temperature, Dropout = Opts.Dropout,
            Coherence = Opts.Coherence, Seed = Opts.Seed, GpuDeviceId = Opts.GpuDeviceId, FallbackToCpu = Opts.FallbackToCpu,
        };
        var score = new RewardScoringEstimator.Options
        {
            ModelPath = Opts.RewardModelPath, CqtColumnName = Opts.InputColumnName, ControlsColumnName = BestOfNMapping.SamplesColumn,
            OutputColumnName = BestOfNMapping.RewardsColumn, SampleCount = Opts.SampleCount, GpuDeviceId = Opts.GpuDeviceId, FallbackToCpu = Opts.FallbackToCpu,
        };
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>()
            .Append(_transforms.GenerateControls(generate))
            .Append(_transforms.ScoreReward(score))
            .Append(_transforms.CustomMapping<BestOfNMapping.Input, BestOfNMapping.Output>(BestOfNMapping.Map, BestOfNMapping.ContractName))
            .Append(_transforms.CopyColumns(Opts.OutputColumnName, BestOfNMapping.BestColumn))
            .Append(_transforms.CopyColumns(Opts.RewardColumnName, BestOfNMapping.BestRewardColumn));
        if (Opts.RewardsColumnName is string all)
        {
            chain = chain.Append(_transforms.CopyColumns(all, BestOfNMapping.RewardsColumn));
        }

        return chain.Append(_transforms.DropColumns(BestOfNMapping.SamplesColumn, BestOfNMapping.RewardsColumn, BestOfNMapping.BestColumn, BestOfNMapping.BestRewardColumn));
    }

    /// <summary>Parameters of <see cref="BestOfNEstimator"/>.</summary>
    public sealed class Options
    {
        /// <summary>The chosen sample: <c>Vector&lt;Single&gt;</c> <c>[1, 4, T]</c>. Default "Controls".</summary>
        public string OutputColumnName = "Controls";

        /// <summary>The chosen sample's reward (Single). Default "Reward".</summary>
        public string RewardColumnName = "Reward";

        /// <summary>When set, all N rewards in this column (<c>Vector&lt;Single&gt;</c> <c>[N]</c>). Default null.</summary>
        public string? RewardsColumnName;

        /// <summary>The CQT column <c>[2, bins, T]</c>. Default "Cqt".</summary>
        public string InputColumnName = "Cqt";

        /// <summary>The generator (<c>generator.onnx</c>). Default empty: the shipped default generator.</summary>
        public string GeneratorModelPath = string.Empty;

        /// <summary>The reward model (<c>reward.onnx</c>, same CQT as the generator). Default empty: the shipped default reward model.</summary>
        public string RewardModelPath = string.Empty;

        /// <summary>N, the samples drawn per row. Default 8.</summary>
        public int SampleCount = 8;

        /// <summary>The sampling temperature. Default 1.</summary>
        public double Temperature = 1.0;

        /// <summary>Inference-time dropout. Default 0.</summary>
        public double Dropout;

        /// <summary>The noise correlation time in seconds. Default <see cref="GenerationOptions.DefaultCoherence"/>.</summary>
        public double Coherence = GenerationOptions.DefaultCoherence;

        /// <summary>The sampling seed. Default 0.</summary>
        public long Seed;

        /// <summary>The CUDA device, or null for the CPU. Default null.</summary>
        public int? GpuDeviceId;

        /// <summary>Whether to fall back to the CPU (logged) when CUDA cannot be used. Default false.</summary>
        public bool FallbackToCpu;
    }
}
