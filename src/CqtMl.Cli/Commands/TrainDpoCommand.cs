using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.IO;
using CqtMl.MLNet;
using CqtMl.Plots;
using CqtMl.Preferences.Comparisons;
using CqtMl.Torch;
using CqtMl.Torch.Dpo;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using CqtMl.Torch.Reward;
using CqtMl.Torch.Training;

namespace CqtMl.Cli.Commands;

/// <summary>
/// <c>cqtml train-dpo --generator dir --pairs labelled.parquet --data root --out dir</c>: direct preference optimisation
/// of a trained generator on labelled pairs, the starting generator as the frozen reference; writes what
/// <c>train-generator</c> writes (generator.onnx, generator.int8.onnx, generator.safetensors, checkpoint.bin,
/// metrics.json with the DPO loss, margins and accuracy per epoch, training-curve.png).
/// </summary>
internal static class TrainDpoCommand
{
    public static Command Create(TextWriter stdout)
    {
        var defaults = new DpoTrainingOptions();
        var generator = new Option<string>("--generator") { Description = $"The starting generator's folder ({GeneratorFolder.OnnxFile} and {GeneratorFolder.WeightsFile}, as train-generator writes them); also the frozen reference.", Required = true };
        var pairs = new Option<string>("--pairs") { Description = "Labelled comparison dataset (Parquet).", Required = true };
        var data = new Option<string>("--data") { Description = "The folder the pairs' sources are relative to.", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var beta = new Option<double>("--beta") { CustomParser = CliNumbers.ParseDouble, Description = "DPO's beta: larger keeps the policy closer to the starting generator.", DefaultValueFactory = _ => defaults.Beta };
        var epochs = new Option<int>("--epochs") { CustomParser = CliNumbers.ParseInt, Description = "Epochs.", DefaultValueFactory = _ => defaults.Epochs };
        var steps = new Option<int?>("--steps-per-epoch") { CustomParser = r => CliNumbers.ParseInt(r), Description = "Optimisation steps per epoch (default: one pass over the training pairs)." };
        var batch = new Option<int>("--batch-size") { CustomParser = CliNumbers.ParseInt, Description = "Pairs per optimisation step.", DefaultValueFactory = _ => defaults.BatchSize };
        var learningRate = new Option<double>("--learning-rate") { CustomParser = CliNumbers.ParseDouble, Description = "Peak learning rate of AdamW.", DefaultValueFactory = _ => defaults.LearningRate };
        var seed = new Option<int>("--seed") { CustomParser = CliNumbers.ParseInt, Description = "Seed of the split and the batches.", DefaultValueFactory = _ => defaults.Seed };
        var validation = new Option<double>("--validation-fraction") { CustomParser = CliNumbers.ParseDouble, Description = "Share of clips held out for validation.", DefaultValueFactory = _ => defaults.ValidationFraction };
        var ties = new Option<string>("--ties") { Description = "skip (ties are left out) or half (ties train with target 0.5).", DefaultValueFactory = _ => defaults.Ties.ToString().ToLowerInvariant() };
        ties.AcceptOnlyFromAmong("half", "skip");
        var registerData = new Option<string?>("--register-data") { Description = "A MusicNet-layout root: report the supervised register F1 of the starting and the tuned generator on its test split (train split if it has none)." };
        var resume = new Option<bool>("--resume") { Description = "Continue from <out>/checkpoint.bin." };
        var timings = new Option<bool>("--timings") { Description = "Print the mean time per optimisation step and the peak resident memory." };
        var flags = new Dictionary<string, Option>
        {
            [nameof(DpoTrainingOptions.Beta)] = beta,
            [nameof(DpoTrainingOptions.Epochs)] = epochs,
            [nameof(DpoTrainingOptions.StepsPerEpoch)] = steps,
            [nameof(DpoTrainingOptions.BatchSize)] = batch,
            [nameof(DpoTrainingOptions.LearningRate)] = learningRate,
            [nameof(DpoTrainingOptions.ValidationFraction)] = validation,
        };
        var command = new Command("train-dpo", "Improve a generator on labelled pairs with direct preference optimisation (DPO) and export it to ONNX.\nExample: cqtml train-dpo --generator gen/ --pairs labelled.parquet --data music/ --out dpo/") { generator, pairs, data, output, beta, epochs, steps, batch, learningRate, seed, validation, ties, registerData, resume, timings };
        command.SetAction((parse, cancellation) =>
        {
            var options = new DpoTrainingOptions
            {
                Beta = parse.GetValue(beta),
                Epochs = parse.GetValue(epochs),
                StepsPerEpoch = parse.GetValue(steps),
                BatchSize = parse.GetValue(batch),
                LearningRate = parse.GetValue(learningRate),
                Seed = parse.GetValue(seed),
                ValidationFraction = parse.GetValue(validation),
                Ties = parse.GetValue(ties) == "half" ? TiePolicy.Half : TiePolicy.Skip,
                CheckpointPath = Path.Combine(parse.GetRequiredValue(output), "checkpoint.bin"),
            };
            UsageException.Validate(options.Validate, flags, "training options");

            var run = new DpoRun(parse.GetRequiredValue(generator), parse.GetRequiredValue(pairs), parse.GetRequiredValue(data), parse.GetRequiredValue(output), parse.GetValue(registerData), parse.GetValue(resume), parse.GetValue(timings));
            return Task.FromResult(Run(run, options, stdout, cancellation, Program.ProgressWriter(parse, stdout)));
        });
        return command;
    }

    /// <summary>Fine-tunes and writes the folder; shared with <c>cqtml improve</c>.</summary>
    internal static int Run(DpoRun run, DpoTrainingOptions options, TextWriter stdout, CancellationToken cancellation, TextWriter? progressWriter = null)
    {
        if (!Directory.Exists(run.DataRoot))
        {
            throw new DirectoryNotFoundException($"{run.DataRoot}: data folder not found");
        }

        using CqtVisionTransformer reference = GeneratorFolder.Load(run.GeneratorDir, out GeneratorFolderInfo start);
        List<ComparisonRow> rows = ComparisonFile.ReadAll(run.PairsPath);
        CqtOptions cqt = ComparisonClips.SharedOptions(run.PairsPath, rows);
        if (!cqt.HasSameGrid(start.Cqt))
        {
            throw new InvalidDataException($"{run.PairsPath}: the pairs were made with another CQT ({cqt.SampleRate} Hz, hop {cqt.HopLength}, {cqt.BinCount} bins from {cqt.FMin:R} Hz, {cqt.BinsPerOctave} per octave) than {start.OnnxPath} reads ({start.Cqt.SampleRate} Hz, hop {start.Cqt.HopLength}, {start.Cqt.BinCount} bins from {start.Cqt.FMin:R} Hz, {start.Cqt.BinsPerOctave} per octave)");
        }

        List<DpoExample> examples = DpoExamples.FromRows(rows, new ComparisonClips(run.DataRoot, run.PairsPath), out int unlabelled);
        if (examples.Count == 0)
        {
            throw new InvalidDataException($"{run.PairsPath}: no labelled pairs among {rows.Count} rows (label them with cqtml judge or cqtml label import)");
        }

        (List<DpoExample> training, List<DpoExample> validation) = RewardExamples.SplitByClip(examples, e => e.Clip, options.ValidationFraction, options.Seed);
        int ties = examples.Count(e => e.Target == 0.5f);
        stdout.WriteLine($"cqtml train-dpo: {examples.Count} labelled pairs ({ties} ties, {unlabelled} unlabelled rows left out); {training.Count} training pairs from {training.Select(e => e.Clip).Distinct().Count()} clips, {validation.Count} validation pairs from {validation.Select(e => e.Clip).Distinct().Count()} other clips; beta {options.Beta.ToString(CultureInfo.InvariantCulture)}; {TorchRuntime.Describe()}");

        using CqtVisionTransformer policy = GeneratorFolder.Load(start);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var progress = new ConsoleProgress(progressWriter ?? stdout, options.Epochs);
        IReadOnlyList<DpoProgress> history;
        try
        {
            history = DpoTrainer.Train(policy, reference, training, validation, options, progress, run.Resume, cancellation);
        }
        catch (ArgumentException e) when (e.ParamName is null)
        {
            throw new InvalidDataException($"{run.PairsPath}: {e.Message}", e);
        }

        double trainingSeconds = clock.Elapsed.TotalSeconds;
        (byte[] onnx, byte[] int8) = GeneratorFolder.Write(run.OutDir, policy, start.Cqt, start.Preset);
        (double StartF1, double TunedF1)? registers = run.RegisterData is string root ? RegisterF1(root, start.Cqt, reference, policy) : null;
        DpoEvaluation final = history[^1].Validation!;
        var metrics = new
        {
            generator = Path.GetFullPath(run.GeneratorDir),
            preset = start.Preset,
            beta = options.Beta,
            seed = options.Seed,
            epochs = options.Epochs,
            batch_size = options.BatchSize,
            learning_rate = options.LearningRate,
            ties = options.Ties.ToString().ToLowerInvariant(),
            labelled_pairs = examples.Count,
            tied_pairs = ties,
            unlabelled_rows = unlabelled,
            training_pairs = training.Count,
            validation_pairs = validation.Count,
            validation_loss = final.Loss,
            validation_reward_margin = final.Margin,
            validation_preference_accuracy = final.Accuracy,
            start_register_f1 = registers?.StartF1,
            register_f1 = registers?.TunedF1,
            training_seconds = Math.Round(trainingSeconds, 1),
            onnx_bytes = onnx.Length,
            int8_onnx_bytes = int8.Length,
            history = history.Select(h => new
            {
                epoch = h.Epoch,
                step = h.Step,
                loss = h.Loss,
                learning_rate = h.LearningRate,
                reward_margin = h.Margin,
                preference_accuracy = h.Accuracy,
                validation_loss = h.Validation!.Loss,
                validation_reward_margin = h.Validation.Margin,
                validation_chosen_reward = h.Validation.ChosenReward,
                validation_rejected_reward = h.Validation.RejectedReward,
                validation_preference_accuracy = h.Validation.Accuracy,
            }),
        };
        JsonSerializerOptions json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
        AtomicFile.WriteAllText(Path.Combine(run.OutDir, "metrics.json"), JsonSerializer.Serialize(metrics, json));
        TrainingCurves.SavePng(Path.Combine(run.OutDir, "training-curve.png"), history.Select(h => h.Loss).ToList(), history.Select(h => h.Validation!.Accuracy).ToList(), $"DPO ({start.Preset}), beta {options.Beta.ToString(CultureInfo.InvariantCulture)}, seed {options.Seed}", "DPO loss", validation.Count > 0 ? "validation preference accuracy" : "training preference accuracy", "accuracy");
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(validation.Count > 0 ? "validation" : "training")} preference accuracy {final.Accuracy:P1}, reward margin {final.Margin:F3}, DPO loss {final.Loss:F4}; trained in {trainingSeconds:F0} s"));
        if (registers is (double before, double after))
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"register F1 {before:F3} -> {after:F3}"));
        }

        stdout.WriteLine($"wrote {Path.GetFullPath(run.OutDir)}/{GeneratorFolder.OnnxFile}, {GeneratorFolder.Int8File}, {GeneratorFolder.WeightsFile}, checkpoint.bin, metrics.json, training-curve.png");
        if (run.Timings)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"preset\": \"{start.Preset}\", \"batch\": {options.BatchSize}, \"seconds_per_step\": {progress.SecondsPerStep:F3}, \"training_peak_rss_mb\": {ProcessMemory.PeakResidentMegabytes():F0}}}"));
        }

        return Program.Success;
    }

    private static (double Start, double Tuned) RegisterF1(string root, CqtOptions cqt, CqtVisionTransformer start, CqtVisionTransformer tuned)
    {
        var extractor = new CqtExtractor(cqt);
        List<TrainingExample> examples = Directory.Exists(Path.Combine(root, "test_data")) ? GeneratorData.Load(root, MusicNetSplit.Test, extractor) : GeneratorData.Load(root, MusicNetSplit.Train, extractor);
        return (GeneratorTrainer.Evaluate(start, examples), GeneratorTrainer.Evaluate(tuned, examples));
    }

    /// <summary>The paths and switches of one DPO run.</summary>
    internal sealed record DpoRun(string GeneratorDir, string PairsPath, string DataRoot, string OutDir, string? RegisterData, bool Resume, bool Timings);

    private sealed class ConsoleProgress(TextWriter stdout, int epochs) : IProgress<DpoProgress>
    {
        private readonly StepClock _steps = new();
        private readonly TimeLeft _left = new(epochs);

        public double SecondsPerStep => _steps.SecondsPerStep;

        public void Report(DpoProgress value)
        {
            if (!value.EndOfEpoch)
            {
                _steps.StepDone();
                return;
            }

            _steps.Pause();
            DpoEvaluation v = value.Validation!;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {_left.After(value.Epoch)}: step {value.Step}, loss {value.Loss:F4}, lr {value.LearningRate:E2}, margin {value.Margin:F3}, accuracy {value.Accuracy:P1}; held out: loss {v.Loss:F4}, margin {v.Margin:F3}, accuracy {v.Accuracy:P1}"));
        }
    }
}
