using CqtMl.Audio.Cqt;
using CqtMl.Preferences.Comparisons;
using CqtMl.Torch.Export;
using CqtMl.Torch.Reward;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;

namespace CqtMl.MLNet;

/// <summary>
/// Trains the reward model (TorchSharp) from an <see cref="IDataView"/> of labelled comparisons (as
/// <c>mlContext.Data.LoadComparisons</c> gives them; each clip's CQT is recomputed from <see cref="Options.DataRoot"/>),
/// exports it to ONNX and returns a <see cref="RewardScoringTransformer"/> that scores (CQT, controls) rows with it:
/// the scorer applies to data with the CQT and controls columns of <see cref="Options.Scoring"/>, not to the
/// comparisons it was trained on. Training is <see cref="RewardTrainer"/> (Bradley-Terry with ties, margin and
/// centring; clips split between training and validation).
/// </summary>
public sealed class RewardModelTrainer : IEstimator<RewardScoringTransformer>
{
    private readonly TransformsCatalog _transforms;

    internal RewardModelTrainer(TransformsCatalog transforms, Options options)
    {
        _transforms = transforms;
        Opts = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.DataRoot, nameof(options.DataRoot));
        ArgumentNullException.ThrowIfNull(options.Model, nameof(options.Model));
        ArgumentNullException.ThrowIfNull(options.Training, nameof(options.Training));
        ArgumentNullException.ThrowIfNull(options.Scoring, nameof(options.Scoring));
        options.Model.Validate();
        options.Training.Validate();
    }

    /// <summary>Gets the options.</summary>
    public Options Opts { get; }

    /// <summary>Gets the history of the last <see cref="Fit"/> (one report per epoch).</summary>
    public IReadOnlyList<RewardTrainingProgress> History { get; private set; } = Array.Empty<RewardTrainingProgress>();

    /// <summary>Gets the exported reward model of the last <see cref="Fit"/>, or null.</summary>
    public byte[]? OnnxModel { get; private set; }

    /// <inheritdoc/>
    public RewardScoringTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var context = new MLContext();
        List<ComparisonRow> rows = ComparisonRecord.ReadRows(input);

        List<RewardExample> examples = RewardExamples.FromRows(rows, new ComparisonClips(Opts.DataRoot, "the comparisons"), out _);
        if (examples.Count == 0)
        {
            throw new InvalidOperationException($"None of the {rows.Count} comparisons is labelled.");
        }

        CqtOptions cqt = ComparisonClips.OptionsOf(rows[0]);
        (List<RewardExample> training, List<RewardExample> validation) = RewardExamples.SplitByClip(examples, Opts.Training.ValidationFraction, Opts.Training.Seed);
        RewardConfig config = Opts.Model with { Encoder = Opts.Model.Encoder with { Bins = cqt.BinCount, BinsPerOctave = cqt.BinsPerOctave }, Fmin = cqt.FMin };
        torch.manual_seed(Opts.Training.Seed);
        using var model = new RewardModel(config);
        if (Opts.InitFrom is string generator)
        {
            RewardWeights.InitializeFromGenerator(model, generator);
        }

        History = RewardTrainer.Train(model, training, validation, Opts.Training, Opts.Progress);
        OnnxModel = RewardOnnxExporter.Export(model, cqt, Opts.PresetName);

        // The scorer reads (CQT, controls) rows: fit its chain on an empty view with those columns.
        var schema = SchemaDefinition.Create(typeof(ScoringRow));
        schema[nameof(ScoringRow.Cqt)].ColumnName = Opts.Scoring.CqtColumnName;
        schema[nameof(ScoringRow.Controls)].ColumnName = Opts.Scoring.ControlsColumnName;
        IDataView empty = context.Data.LoadFromEnumerable(Array.Empty<ScoringRow>(), schema);
        return _transforms.ScoreReward(Opts.Scoring, OnnxModel).Fit(empty);
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ComparisonRecord.CheckControlsColumns(inputSchema);
        return inputSchema;
    }

    /// <summary>Parameters of <see cref="RewardModelTrainer"/>.</summary>
    public sealed class Options
    {
        /// <summary>The folder the comparisons' sources are relative to. Required.</summary>
        public string DataRoot = string.Empty;

        /// <summary>The architecture. Default <see cref="RewardConfig.Demo"/>.</summary>
        public RewardConfig Model = RewardConfig.Demo;

        /// <summary>The preset name written to the model's metadata. Default "demo".</summary>
        public string PresetName = "demo";

        /// <summary>A trained generator.safetensors (same architecture as <see cref="Model"/>'s encoder) to start the CQT encoder from, or null. Default null.</summary>
        public string? InitFrom;

        /// <summary>Training options (epochs, batch, learning rate, margin, centring, ties, validation fraction, seed). Default: their defaults.</summary>
        public RewardTrainingOptions Training = new();

        /// <summary>Receives progress reports, or null. Default null.</summary>
        public IProgress<RewardTrainingProgress>? Progress;

        /// <summary>The columns and device of the returned scorer (the model path is ignored). Default: its defaults.</summary>
        public RewardScoringEstimator.Options Scoring = new();
    }

    /// <summary>The row type of the empty view the scorer is fitted on.</summary>
    private sealed class ScoringRow
    {
        [VectorType]
        public float[] Cqt { get; set; } = Array.Empty<float>();

        [VectorType]
        public float[] Controls { get; set; } = Array.Empty<float>();
    }
}
