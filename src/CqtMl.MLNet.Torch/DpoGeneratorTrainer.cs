using CqtMl.Audio.Cqt;
using CqtMl.Preferences.Comparisons;
using CqtMl.Torch.Dpo;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using CqtMl.Torch.Reward;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CqtMl.MLNet;

/// <summary>
/// Improves a trained generator by direct preference optimisation (TorchSharp, <see cref="DpoTrainer"/>) on an
/// <see cref="IDataView"/> of labelled comparisons (as <c>mlContext.Data.LoadComparisons</c> gives them; each clip's CQT
/// is recomputed from <see cref="Options.DataRoot"/>), the starting generator frozen as the reference; exports the
/// result to ONNX and returns a <see cref="ControlGeneratorTransformer"/> that generates with it. Like
/// <see cref="RewardModelTrainer"/>, the returned transformer applies to CQT rows (<see cref="Options.Generation"/>'s
/// columns), not to the comparisons it was trained on.
/// </summary>
public sealed class DpoGeneratorTrainer : IEstimator<ControlGeneratorTransformer>
{
    private readonly TransformsCatalog _transforms;

    internal DpoGeneratorTrainer(TransformsCatalog transforms, Options options)
    {
        _transforms = transforms;
        Opts = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.DataRoot, nameof(options.DataRoot));
        ArgumentException.ThrowIfNullOrEmpty(options.GeneratorDirectory, nameof(options.GeneratorDirectory));
        ArgumentNullException.ThrowIfNull(options.Training, nameof(options.Training));
        ArgumentNullException.ThrowIfNull(options.Generation, nameof(options.Generation));
        options.Training.Validate();
        ControlGeneratorEstimator.GenerationOf(options.Generation).Validate();
    }

    /// <summary>Gets the options.</summary>
    public Options Opts { get; }

    /// <summary>Gets the history of the last <see cref="Fit"/> (one report per epoch).</summary>
    public IReadOnlyList<DpoProgress> History { get; private set; } = Array.Empty<DpoProgress>();

    /// <summary>Gets the exported generator of the last <see cref="Fit"/>, or null.</summary>
    public byte[]? OnnxModel { get; private set; }

    /// <inheritdoc/>
    public ControlGeneratorTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var context = new MLContext();
        List<ComparisonRow> rows = ComparisonRecord.ReadRows(input);

        using CqtVisionTransformer reference = GeneratorFolder.Load(Opts.GeneratorDirectory, out GeneratorFolderInfo start);
        CqtOptions cqt = ComparisonClips.SharedOptions("the comparisons", rows);
        if (!cqt.HasSameGrid(start.Cqt))
        {
            throw new InvalidOperationException($"The comparisons were made with another CQT ({cqt.BinCount} bins, hop {cqt.HopLength} at {cqt.SampleRate} Hz) than {start.OnnxPath} reads ({start.Cqt.BinCount} bins, hop {start.Cqt.HopLength} at {start.Cqt.SampleRate} Hz).");
        }

        List<DpoExample> examples = DpoExamples.FromRows(rows, new ComparisonClips(Opts.DataRoot, "the comparisons"), out _);
        if (examples.Count == 0)
        {
            throw new InvalidOperationException($"None of the {rows.Count} comparisons is labelled.");
        }

        (List<DpoExample> training, List<DpoExample> validation) = RewardExamples.SplitByClip(examples, e => e.Clip, Opts.Training.ValidationFraction, Opts.Training.Seed);
        using CqtVisionTransformer policy = GeneratorFolder.Load(start);
        History = DpoTrainer.Train(policy, reference, training, validation, Opts.Training, Opts.Progress);
        OnnxModel = GeneratorOnnxExporter.Export(policy, start.Cqt, start.Preset);

        // The generator reads CQT rows: fit it on an empty view with that column.
        var schema = SchemaDefinition.Create(typeof(CqtRow));
        schema[nameof(CqtRow.Cqt)].ColumnName = Opts.Generation.InputColumnName ?? Opts.Generation.OutputColumnName;
        IDataView empty = context.Data.LoadFromEnumerable(Array.Empty<CqtRow>(), schema);
        return _transforms.GenerateControls(Opts.Generation, OnnxModel).Fit(empty);
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ComparisonRecord.CheckControlsColumns(inputSchema);
        return inputSchema;
    }

    /// <summary>Parameters of <see cref="DpoGeneratorTrainer"/>.</summary>
    public sealed class Options
    {
        /// <summary>The starting generator's folder (generator.onnx and generator.safetensors, as <c>cqtml train-generator</c> writes them); it is also the frozen reference. Required.</summary>
        public string GeneratorDirectory = string.Empty;

        /// <summary>The folder the comparisons' sources are relative to. Required.</summary>
        public string DataRoot = string.Empty;

        /// <summary>Training options (beta, epochs, batch, learning rate, ties, validation fraction, seed). Default: their defaults.</summary>
        public DpoTrainingOptions Training = new();

        /// <summary>Receives progress reports, or null. Default null.</summary>
        public IProgress<DpoProgress>? Progress;

        /// <summary>How the returned transformer generates and its columns (the model path is ignored). Default: the estimator's defaults.</summary>
        public ControlGeneratorEstimator.Options Generation = new();
    }

    /// <summary>The row type of the empty view the generator is fitted on.</summary>
    private sealed class CqtRow
    {
        [VectorType]
        public float[] Cqt { get; set; } = Array.Empty<float>();
    }
}
