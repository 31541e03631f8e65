using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Generation;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using CqtMl.Torch.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;

namespace CqtMl.MLNet;

/// <summary>
/// Trains the control generator (TorchSharp) from an <see cref="IDataView"/> of CQTs and 4-register targets, exports
/// it to ONNX and returns a <see cref="ControlGeneratorTransformer"/> that generates with it. The data is read once
/// with a cursor; training itself is <see cref="GeneratorTrainer"/> (AdamW, warm-up + cosine, clipping, balanced
/// registers, gain and mix augmentation; pitch shifting needs note labels, which an IDataView row does not carry — the optional synthetic pieces have them).
/// </summary>
public sealed class ControlGeneratorTrainer : IEstimator<ControlGeneratorTransformer>
{
    private readonly TransformsCatalog _transforms;

    internal ControlGeneratorTrainer(TransformsCatalog transforms, Options options)
    {
        _transforms = transforms;
        Opts = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentNullException.ThrowIfNull(options.Generation, nameof(options.Generation));
        ArgumentException.ThrowIfNullOrEmpty(options.Generation.OutputColumnName, nameof(options.Generation.OutputColumnName));
        ControlGeneratorEstimator.GenerationOf(options.Generation).Validate(); // before training, not after it
        ArgumentException.ThrowIfNullOrEmpty(options.TargetsColumnName, nameof(options.TargetsColumnName));
        ArgumentNullException.ThrowIfNull(options.Generator, nameof(options.Generator));
        ArgumentNullException.ThrowIfNull(options.Training, nameof(options.Training));
        ArgumentNullException.ThrowIfNull(options.Cqt, nameof(options.Cqt));
        ArgumentOutOfRangeException.ThrowIfNegative(options.SyntheticPieces, nameof(options.SyntheticPieces));
        options.Generator.Validate();
        options.Training.Validate();
        if (options.SyntheticPieces > 0 && options.Cqt.BinCount != options.Generator.Bins)
        {
            throw new ArgumentException($"Synthetic pieces need the CQT ({options.Cqt.BinCount} bins) to match the generator ({options.Generator.Bins} bins).", nameof(options));
        }
    }

    /// <summary>Gets the options.</summary>
    public Options Opts { get; }

    /// <summary>Gets the history of the last <see cref="Fit"/> (one report per epoch).</summary>
    public IReadOnlyList<TrainingProgress> History { get; private set; } = Array.Empty<TrainingProgress>();

    /// <summary>Gets the CQT column, read for training and by the returned generator.</summary>
    private string CqtColumn => Opts.Generation.InputColumnName ?? Opts.Generation.OutputColumnName;

    /// <inheritdoc/>
    public ControlGeneratorTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        List<TrainingExample> examples = ReadExamples(input);
        int validationCount = (int)Math.Round(examples.Count * Opts.ValidationFraction);
        List<TrainingExample> validation = examples.TakeLast(validationCount).ToList();
        List<TrainingExample> training = examples.Take(examples.Count - validationCount).ToList();
        training.AddRange(GeneratorExamples.Synthetic(new CqtExtractor(Opts.Cqt), Opts.SyntheticPieces));

        torch.manual_seed(Opts.Training.Seed);
        using var model = new CqtVisionTransformer(Opts.Generator);
        History = GeneratorTrainer.Train(model, training, validation, Opts.Training, Opts.Progress);
        byte[] onnx = GeneratorOnnxExporter.Export(model, Opts.Cqt, Opts.PresetName);
        return _transforms.GenerateControls(Opts.Generation, onnx).Fit(input);
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        foreach (string name in new[] { CqtColumn, Opts.TargetsColumnName })
        {
            SchemaShape.Column column = inputSchema.FirstOrDefault(c => c.Name == name);
            if (column.Name is null || column.Kind == SchemaShape.Column.VectorKind.Scalar || column.ItemType != NumberDataViewType.Single)
            {
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Column '{name}' must exist and be a vector of Single.");
            }
        }

        // The output is a vector of Single like the targets; ML.NET's column shapes cannot be built outside ML.NET,
        // so a copy of the targets column stands in for it.
        return _transforms.CopyColumns(Opts.Generation.OutputColumnName, Opts.TargetsColumnName).GetOutputSchema(inputSchema);
    }

    private List<TrainingExample> ReadExamples(IDataView input)
    {
        int bins = Opts.Generator.Bins;
        DataViewSchema.Column cqtColumn = RequireVector(input.Schema, CqtColumn);
        DataViewSchema.Column targetsColumn = RequireVector(input.Schema, Opts.TargetsColumnName);
        var examples = new List<TrainingExample>();
        using DataViewRowCursor cursor = input.GetRowCursor(new[] { cqtColumn, targetsColumn });
        ValueGetter<VBuffer<float>> getCqt = cursor.GetGetter<VBuffer<float>>(cqtColumn);
        ValueGetter<VBuffer<float>> getTargets = cursor.GetGetter<VBuffer<float>>(targetsColumn);
        VBuffer<float> cqt = default, targets = default;
        while (cursor.MoveNext())
        {
            getCqt(ref cqt);
            getTargets(ref targets);
            float[] values = cqt.DenseValues().ToArray();
            if (values.Length == 0 || values.Length % (2 * bins) != 0)
            {
                throw new InvalidOperationException($"Row {cursor.Position}: the CQT has {values.Length} values, expected [2, {bins}, T] with T >= 1.");
            }

            int frames = values.Length / (2 * bins);
            float[] activity = targets.DenseValues().ToArray();
            if (activity.Length != 4 * frames)
            {
                throw new InvalidOperationException($"Row {cursor.Position}: {activity.Length} target values for {frames} CQT frames (expected [4, {frames}]).");
            }

            if (Array.Exists(values, v => !float.IsFinite(v)))
            {
                throw new InvalidOperationException($"Row {cursor.Position}: the CQT contains NaN or infinite values.");
            }

            examples.Add(new TrainingExample(values, activity, frames));
        }

        return examples.Count > 0 ? examples : throw new InvalidOperationException("The training data has no rows.");
    }

    private static DataViewSchema.Column RequireVector(DataViewSchema schema, string name)
    {
        DataViewSchema.Column column = schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(schema), $"Column '{name}' not found in the data.");
        return column.Type is VectorDataViewType { ItemType: var item } && item == NumberDataViewType.Single
            ? column
            : throw new ArgumentOutOfRangeException(nameof(schema), $"Column '{name}' must be a vector of Single, not {column.Type}.");
    }

    /// <summary>Parameters of <see cref="ControlGeneratorTrainer"/>.</summary>
    public sealed class Options
    {
        /// <summary>The register-activity column (<c>[4, T]</c>, active above 0.5). Default "Targets".</summary>
        public string TargetsColumnName = "Targets";

        /// <summary>The architecture. Default <see cref="GeneratorConfig.Demo"/>.</summary>
        public GeneratorConfig Generator = GeneratorConfig.Demo;

        /// <summary>The preset name written to the model's metadata. Default "demo".</summary>
        public string PresetName = "demo";

        /// <summary>The CQT parameters the data was made with (recorded in the model). Default: the project's defaults.</summary>
        public CqtOptions Cqt = new();

        /// <summary>Training options (epochs, steps, batch, learning rate, seed, augmentation). Default: their defaults.</summary>
        public GeneratorTrainingOptions Training = new();

        /// <summary>
        /// Synthetic labelled pieces (<see cref="GeneratorExamples.Synthetic"/>, made with <see cref="Cqt"/>) added to the
        /// training rows — worthwhile when the data has only a few recordings. Default 0.
        /// </summary>
        public int SyntheticPieces;

        /// <summary>The fraction of rows (the last ones) held out for the per-epoch validation F1. Default 0.2.</summary>
        public double ValidationFraction = 0.2;

        /// <summary>Receives progress reports, or null. Default null.</summary>
        public IProgress<TrainingProgress>? Progress;

        /// <summary>
        /// How the returned transformer generates (mode, temperature, seed, samples, dropout, device) and its columns:
        /// <see cref="ControlGeneratorEstimator.Options.InputColumnName"/> is also the CQT column training reads
        /// (<c>[2, bins, T]</c>, default "Cqt"); the model path is ignored (the trained model is used). Default: the
        /// estimator's defaults.
        /// </summary>
        public ControlGeneratorEstimator.Options Generation = new();
    }
}
