using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.IO;
using CqtMl.Plots;
using CqtMl.Preferences.Comparisons;
using CqtMl.Torch;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using CqtMl.Torch.Reward;
using TorchSharp;

namespace CqtMl.Cli.Commands;

/// <summary>
/// <c>cqtml train-reward --pairs labelled.parquet --data root --out dir</c>: trains the reward model on labelled pairs
/// (Bradley-Terry; clips split between training and validation) and writes reward.onnx, reward.safetensors,
/// checkpoint.bin, metrics.json and training-curve.png.
/// </summary>
internal static class TrainRewardCommand
{
    public static Command Create(TextWriter stdout)
    {
        var defaults = new RewardTrainingOptions();
        var pairs = new Option<string>("--pairs") { Description = "Labelled comparison dataset (Parquet).", Required = true };
        var data = new Option<string>("--data") { Description = "The folder the pairs' sources are relative to.", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var preset = new Option<string>("--preset") { Description = "demo (small, CPU-friendly), tiny (ViT-tiny encoder) or baseline (the baseline generator's encoder, without self-attention).", DefaultValueFactory = _ => "demo" };
        preset.AcceptOnlyFromAmong("demo", "tiny", "baseline");
        var epochs = new Option<int>("--epochs") { CustomParser = CliNumbers.ParseInt, Description = "Epochs.", DefaultValueFactory = _ => defaults.Epochs };
        var steps = new Option<int?>("--steps-per-epoch") { CustomParser = r => CliNumbers.ParseInt(r), Description = "Optimisation steps per epoch (default: one pass over the training pairs)." };
        var batch = new Option<int>("--batch-size") { CustomParser = CliNumbers.ParseInt, Description = "Pairs per optimisation step.", DefaultValueFactory = _ => defaults.BatchSize };
        var seed = new Option<int>("--seed") { CustomParser = CliNumbers.ParseInt, Description = "Seed of initialisation, the split, batches and dropout.", DefaultValueFactory = _ => defaults.Seed };
        var resume = new Option<bool>("--resume") { Description = "Continue from <out>/checkpoint.bin." };
        var initFrom = new Option<string?>("--init-from") { Description = "A trained generator.safetensors (same preset) to start the CQT encoder from." };
        var initReward = new Option<string?>("--init-reward") { Description = "A trained reward.safetensors (same preset) to continue from, instead of --init-from." };
        var validation = new Option<double>("--validation-fraction") { CustomParser = CliNumbers.ParseDouble, Description = "Share of clips held out for validation (all pairs of a clip on one side).", DefaultValueFactory = _ => defaults.ValidationFraction };
        var learningRate = new Option<double>("--learning-rate") { CustomParser = CliNumbers.ParseDouble, Description = "Peak learning rate of AdamW.", DefaultValueFactory = _ => defaults.LearningRate };
        var margin = new Option<double>("--margin") { CustomParser = CliNumbers.ParseDouble, Description = "Margin of strict preferences in the Bradley-Terry loss.", DefaultValueFactory = _ => defaults.Margin };
        var centring = new Option<double>("--centring") { CustomParser = CliNumbers.ParseDouble, Description = "Reward-centring coefficient (TRL's center_rewards_coefficient).", DefaultValueFactory = _ => defaults.Centring };
        var ties = new Option<string>("--ties") { Description = "half (ties train with target 0.5) or skip.", DefaultValueFactory = _ => defaults.Ties.ToString().ToLowerInvariant() };
        ties.AcceptOnlyFromAmong("half", "skip");
        var trainingPairs = new Option<int?>("--training-pairs") { CustomParser = r => CliNumbers.ParseInt(r), Description = "Train on only the first N training pairs (after the clip split; the validation pairs stay the same): for learning curves." };
        var timings = new Option<bool>("--timings") { Description = "Print the mean time per optimisation step and the peak resident memory." };
        var float16 = new Option<bool>("--float16-weights") { Description = "Store reward.onnx's weight matrices as float16 (half the file, rewards change by about 1e-3 relative; computation stays float32)." };
        var flags = new Dictionary<string, Option>
        {
            [nameof(RewardTrainingOptions.Epochs)] = epochs,
            [nameof(RewardTrainingOptions.StepsPerEpoch)] = steps,
            [nameof(RewardTrainingOptions.BatchSize)] = batch,
            [nameof(RewardTrainingOptions.ValidationFraction)] = validation,
            [nameof(RewardTrainingOptions.Margin)] = margin,
            [nameof(RewardTrainingOptions.LearningRate)] = learningRate,
            [nameof(RewardTrainingOptions.Centring)] = centring,
        };
        var command = new Command("train-reward", "Train the reward model on labelled pairs and export it to ONNX.\nExample: cqtml train-reward --pairs labelled.parquet --data music/ --out reward/ --init-from gen/generator.safetensors") { pairs, data, output, preset, epochs, steps, batch, seed, resume, initFrom, initReward, validation, learningRate, margin, centring, ties, trainingPairs, timings, float16 };
        command.SetAction((parse, cancellation) =>
        {
            var options = new RewardTrainingOptions
            {
                Epochs = parse.GetValue(epochs),
                StepsPerEpoch = parse.GetValue(steps),
                BatchSize = parse.GetValue(batch),
                Seed = parse.GetValue(seed),
                ValidationFraction = parse.GetValue(validation),
                Margin = parse.GetValue(margin),
                LearningRate = parse.GetValue(learningRate),
                Centring = parse.GetValue(centring),
                Ties = parse.GetValue(ties) == "skip" ? TiePolicy.Skip : TiePolicy.Half,
                CheckpointPath = Path.Combine(parse.GetRequiredValue(output), "checkpoint.bin"),
            };
            UsageException.Validate(options.Validate, flags, "training options");

            if (parse.GetValue(trainingPairs) is < 1)
            {
                throw new UsageException("--training-pairs: must be at least 1");
            }

            if (parse.GetValue(initFrom) is not null && parse.GetValue(initReward) is not null)
            {
                throw new UsageException("--init-from and --init-reward: give one (a generator to start the CQT encoder from, or a reward model to continue)");
            }

            var run = new RewardRun(parse.GetRequiredValue(pairs), parse.GetRequiredValue(data), parse.GetRequiredValue(output), parse.GetValue(preset)!, parse.GetValue(initFrom), parse.GetValue(initReward), parse.GetValue(resume), parse.GetValue(timings), parse.GetValue(trainingPairs), Float16Weights: parse.GetValue(float16));
            return Task.FromResult(Run(run, options, stdout, cancellation, Program.ProgressWriter(parse, stdout)));
        });
        return command;
    }

    /// <summary>
    /// Reads the labelled pairs of a comparison file with their clips' CQTs (computed from the audio under
    /// <paramref name="dataRoot"/>); shared with <c>cqtml extract --pairs</c>.
    /// </summary>
    /// <returns>The pairs' CQT parameters, the labelled pairs, and how many rows were left out unlabelled.</returns>
    internal static (CqtOptions Cqt, List<RewardExample> Examples, int Unlabelled) ReadLabelledPairs(string pairsPath, string dataRoot)
    {
        if (!Directory.Exists(dataRoot))
        {
            throw new DirectoryNotFoundException($"{dataRoot}: data folder not found");
        }

        List<ComparisonRow> rows = ComparisonFile.ReadAll(pairsPath);
        CqtOptions cqt = ComparisonClips.SharedOptions(pairsPath, rows);
        List<RewardExample> examples = RewardExamples.FromRows(rows, new ComparisonClips(dataRoot, pairsPath), out int unlabelled);
        if (examples.Count == 0)
        {
            throw new InvalidDataException($"{pairsPath}: no labelled pairs among {rows.Count} rows (label them with cqtml judge or cqtml label import)");
        }

        return (cqt, examples, unlabelled);
    }

    /// <summary>Trains and writes the folder; shared with <c>cqtml improve</c>.</summary>
    internal static int Run(RewardRun run, RewardTrainingOptions options, TextWriter stdout, CancellationToken cancellation, TextWriter? progressWriter = null)
    {
        (string pairsPath, string dataRoot, string outDir, string presetName, string? initFrom, string? initReward, bool resume, bool timings, int? trainingPairs, GeneratorConfig? encoder, bool float16Weights) = run;
        (CqtOptions cqt, List<RewardExample> examples, int unlabelled) = ReadLabelledPairs(pairsPath, dataRoot);

        (List<RewardExample> training, List<RewardExample> validation) = RewardExamples.SplitByClip(examples, options.ValidationFraction, options.Seed);
        if (trainingPairs is int keep && keep < training.Count)
        {
            training = training.Take(keep).ToList();
        }

        int ties = examples.Count(e => e.Target == 0.5f);
        stdout.WriteLine($"cqtml train-reward: {examples.Count} labelled pairs ({ties} ties, {unlabelled} unlabelled rows left out); {training.Count} training pairs from {training.Select(e => e.Clip).Distinct().Count()} clips, {validation.Count} validation pairs from {validation.Select(e => e.Clip).Distinct().Count()} other clips; {TorchRuntime.Describe()}");

        RewardConfig preset = RewardConfig.Named(presetName);
        RewardConfig config = preset with { Encoder = encoder ?? preset.Encoder with { Bins = cqt.BinCount, BinsPerOctave = cqt.BinsPerOctave }, Fmin = cqt.FMin };
        torch.manual_seed(options.Seed);
        using var model = new RewardModel(config);
        if (!(resume && File.Exists(options.CheckpointPath)))
        {
            if (initFrom is not null)
            {
                RewardWeights.InitializeFromGenerator(model, initFrom);
            }
            else if (initReward is not null)
            {
                RewardWeights.LoadSafetensors(model, initReward);
            }
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var progress = new ConsoleProgress(progressWriter ?? stdout, options.Epochs);
        IReadOnlyList<RewardTrainingProgress> history = RewardTrainer.Train(model, training, validation, options, progress, resume, cancellation);
        double trainingSeconds = clock.Elapsed.TotalSeconds;

        byte[] onnx = RewardOnnxExporter.Export(model, cqt, presetName, new GeneratorExportOptions { Float16Weights = float16Weights });
        AtomicFile.WriteAllBytes(Path.Combine(outDir, "reward.onnx"), onnx);
        RewardWeights.SaveSafetensors(model, Path.Combine(outDir, "reward.safetensors"));
        double? accuracy = history[^1].ValidationAccuracy;
        var metrics = new
        {
            preset = presetName,
            seed = options.Seed,
            epochs = options.Epochs,
            batch_size = options.BatchSize,
            learning_rate = options.LearningRate,
            margin = options.Margin,
            centring = options.Centring,
            ties = options.Ties.ToString().ToLowerInvariant(),
            init_from = initFrom,
            init_reward = initReward,
            labelled_pairs = examples.Count,
            tied_pairs = ties,
            unlabelled_rows = unlabelled,
            training_pairs = training.Count,
            validation_pairs = validation.Count,
            validation_strict_pairs = validation.Count(e => e.Target != 0.5f),
            training_clips = training.Select(e => e.Clip).Distinct().Count(),
            validation_clips = validation.Select(e => e.Clip).Distinct().Count(),
            validation_accuracy = validation.Count > 0 ? accuracy : null,
            training_accuracy = validation.Count > 0 ? history[^1].TrainingAccuracy : accuracy,
            training_seconds = Math.Round(trainingSeconds, 1),
            onnx_bytes = onnx.Length,
            float16_weights = float16Weights,
            history = history.Select(h => new { epoch = h.Epoch, step = h.Step, loss = h.Loss, learning_rate = h.LearningRate, training_accuracy = h.TrainingAccuracy, validation_accuracy = h.ValidationAccuracy }),
        };
        AtomicFile.WriteAllText(Path.Combine(outDir, "metrics.json"), JsonSerializer.Serialize(metrics, new JsonSerializerOptions { WriteIndented = true }));
        TrainingCurves.SavePng(Path.Combine(outDir, "training-curve.png"), history.Select(h => h.Loss).ToList(), history.Select(h => h.ValidationAccuracy ?? 0).ToList(), $"reward model ({presetName}), seed {options.Seed}", "Bradley-Terry loss", validation.Count > 0 ? "validation pairwise accuracy" : "training pairwise accuracy", "accuracy");
        string held = validation.Count > 0 ? $"validation pairwise accuracy {accuracy:P1} on {validation.Count(e => e.Target != 0.5f)} strict pairs of unseen clips" : $"no validation clips; training accuracy {accuracy:P1}";
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{held}; trained in {trainingSeconds:F0} s"));
        stdout.WriteLine($"wrote {Path.GetFullPath(outDir)}/reward.onnx, reward.safetensors, checkpoint.bin, metrics.json, training-curve.png");
        if (timings)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"preset\": \"{presetName}\", \"batch\": {options.BatchSize}, \"seconds_per_step\": {progress.SecondsPerStep:F3}, \"training_peak_rss_mb\": {ProcessMemory.PeakResidentMegabytes():F0}}}"));
        }

        return Program.Success;
    }

    /// <summary>
    /// The paths and switches of one reward-training run; <c>Encoder</c>, when given, is the CQT encoder's architecture
    /// (a generator folder's) instead of the preset's; <c>Float16Weights</c> stores reward.onnx's weights as float16.
    /// </summary>
    internal sealed record RewardRun(string PairsPath, string DataRoot, string OutDir, string Preset, string? InitFrom, string? InitReward, bool Resume, bool Timings, int? TrainingPairs, GeneratorConfig? Encoder = null, bool Float16Weights = false);

    private sealed class ConsoleProgress(TextWriter stdout, int epochs) : IProgress<RewardTrainingProgress>
    {
        private readonly StepClock _steps = new();
        private readonly TimeLeft _left = new(epochs);

        public double SecondsPerStep => _steps.SecondsPerStep;

        public void Report(RewardTrainingProgress value)
        {
            if (!value.EndOfEpoch)
            {
                _steps.StepDone();
                return;
            }

            _steps.Pause();
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {_left.After(value.Epoch)}: step {value.Step}, loss {value.Loss:F4}, lr {value.LearningRate:E2}, training accuracy {value.TrainingAccuracy:P1}, validation accuracy {value.ValidationAccuracy:P1}"));
        }
    }
}
