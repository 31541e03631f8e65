using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.IO;
using CqtMl.MLNet;
using CqtMl.Plots;
using CqtMl.Preferences.Policies;
using CqtMl.Torch;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using CqtMl.Torch.Training;
using TorchSharp;

namespace CqtMl.Cli.Commands;

/// <summary>
/// <c>cqtml train-generator --data &lt;musicnet-root&gt; --out &lt;dir&gt;</c>: supervised training on the 4-register targets,
/// writing generator.onnx, generator.safetensors (PyTorch-loadable weights), checkpoint.bin, metrics.json and
/// training-curve.png.
/// </summary>
internal static class TrainGeneratorCommand
{
    public static Command Create(TextWriter stdout)
    {
        var data = new Option<string>("--data") { Description = "MusicNet-layout root (train_data, train_labels, test_data, test_labels).", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var preset = new Option<string>("--preset") { Description = $"demo (small, CPU-friendly), tiny (ViT-tiny), baseline (the demo's size without attention: every 4-frame strip on its own) or {RegisterRules.Preset} (the rule-based baseline: per-register energy thresholds fitted on the training recordings; no network).", DefaultValueFactory = _ => "demo" };
        preset.AcceptOnlyFromAmong("demo", "tiny", "baseline", RegisterRules.Preset);
        var tokenizer = new Option<string>("--tokenizer") { Description = "strips (84 x 4, default) or patches (12 x 4).", DefaultValueFactory = _ => "strips" };
        tokenizer.AcceptOnlyFromAmong("strips", "patches");
        var positions = new Option<string>("--positions") { Description = "sliced (default) or interpolated time positions.", DefaultValueFactory = _ => "sliced" };
        positions.AcceptOnlyFromAmong("sliced", "interpolated");
        var epochs = new Option<int>("--epochs") { CustomParser = CliNumbers.ParseInt, Description = "Epochs.", DefaultValueFactory = _ => 40 };
        var steps = new Option<int>("--steps-per-epoch") { CustomParser = CliNumbers.ParseInt, Description = "Optimisation steps per epoch.", DefaultValueFactory = _ => 20 };
        var batch = new Option<int>("--batch-size") { CustomParser = CliNumbers.ParseInt, Description = "Crops per optimisation step.", DefaultValueFactory = _ => new GeneratorTrainingOptions().BatchSize };
        var synthetic = new Option<int>("--synthetic") { CustomParser = CliNumbers.ParseInt, Description = "Synthetic labelled pieces (15 s of harmonic tones each) added to the training recordings.", DefaultValueFactory = _ => 24 };
        var seed = new Option<int>("--seed") { CustomParser = CliNumbers.ParseInt, Description = "Seed of initialisation, sampling and dropout.", DefaultValueFactory = _ => 0 };
        var resume = new Option<bool>("--resume") { Description = "Continue from <out>/checkpoint.bin." };
        var checkpointing = new Option<bool>("--gradient-checkpointing") { Description = "Recompute transformer activations in the backward pass (less memory, more time)." };
        var precision = new Option<string>("--precision") { Description = "float32 (default) or bfloat16 (mixed precision: bfloat16 forward and backward, float32 weights; needs a CUDA GPU or a CPU with AVX-512 BF16 or AMX).", DefaultValueFactory = _ => "float32" };
        precision.AcceptOnlyFromAmong("float32", "bfloat16");
        var timings = new Option<bool>("--timings") { Description = "Print the mean time per optimisation step and the process's peak resident memory at the end of training." };
        var command = new Command("train-generator", "Train the control generator on MusicNet-style labels and export it to ONNX (float32 and int8).\nExample: cqtml train-generator --data ../shared/fixtures/musicnet --out gen/") { data, output, preset, tokenizer, positions, epochs, steps, batch, synthetic, seed, resume, checkpointing, precision, timings };
        command.SetAction((parse, cancellation) => Task.FromResult(Run(new TrainArguments(parse.GetRequiredValue(data), parse.GetRequiredValue(output), parse.GetValue(preset)!, parse.GetValue(tokenizer) == "patches", parse.GetValue(positions) == "interpolated", parse.GetValue(epochs), parse.GetValue(steps), parse.GetValue(batch), parse.GetValue(synthetic), parse.GetValue(seed), parse.GetValue(resume), parse.GetValue(checkpointing), parse.GetValue(precision) == "bfloat16" ? TrainingPrecision.BFloat16 : TrainingPrecision.Float32, parse.GetValue(timings)), stdout, cancellation, Program.ProgressWriter(parse, stdout))));
        return command;
    }

    /// <summary>Trains and writes the generator folder; shared with <c>cqtml demo --train</c>.</summary>
    internal static int Run(TrainArguments arguments, TextWriter stdout, CancellationToken cancellation, TextWriter? progressWriter = null)
    {
        (string root, string outDir, string presetName, bool patches, bool interpolated, int epochs, int stepsPerEpoch, int batchSize, int synthetic, int seed, bool resume, bool checkpointing, TrainingPrecision precision, bool timings, _) = arguments;
        if (epochs < 1 || stepsPerEpoch < 1 || batchSize < 1 || synthetic < 0)
        {
            throw new UsageException("--epochs, --steps-per-epoch and --batch-size must be at least 1, --synthetic at least 0.");
        }

        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"{root}: MusicNet root not found");
        }

        string precisionName = precision == TrainingPrecision.BFloat16 ? "bfloat16" : "float32";
        CqtOptions cqt = arguments.Cqt ?? new CqtOptions();
        var extractor = new CqtExtractor(cqt);
        List<TrainingExample> training = GeneratorData.Load(root, MusicNetSplit.Train, extractor);
        List<TrainingExample> validation = Directory.Exists(Path.Combine(root, "test_data")) ? GeneratorData.Load(root, MusicNetSplit.Test, extractor) : new List<TrainingExample>();
        int recordings = training.Count;
        training.AddRange(GeneratorExamples.Synthetic(extractor, synthetic));
        stdout.WriteLine($"cqtml train-generator: {recordings} training recordings + {synthetic} synthetic pieces, {validation.Count} validation recordings; {TorchRuntime.Describe()}; training in {(precision == TrainingPrecision.BFloat16 ? "mixed bfloat16 / float32" : "float32")}");

        if (presetName == RegisterRules.Preset)
        {
            return FitRules(outDir, cqt, training.Take(recordings).ToList(), validation, stdout);
        }

        GeneratorConfig config = GeneratorConfig.Named(presetName) with
        {
            Bins = cqt.BinCount,
            BinsPerOctave = cqt.BinsPerOctave,
            Tokenizer = patches ? GeneratorTokenizer.Patches : GeneratorTokenizer.Strips,
            Positions = interpolated ? GeneratorPositions.Interpolated : GeneratorPositions.Sliced,
        };
        torch.manual_seed(seed);
        using var model = new CqtVisionTransformer(config);
        var options = new GeneratorTrainingOptions { Epochs = epochs, StepsPerEpoch = stepsPerEpoch, BatchSize = batchSize, Seed = seed, CheckpointPath = Path.Combine(outDir, "checkpoint.bin"), GradientCheckpointing = checkpointing, Precision = precision };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var progress = new ConsoleProgress(progressWriter ?? stdout, epochs);
        IReadOnlyList<TrainingProgress> history = GeneratorTrainer.Train(model, training, validation, options, progress, resume, cancellation);

        double secondsPerStep = progress.SecondsPerStep, trainingPeakMegabytes = ProcessMemory.PeakResidentMegabytes();
        (byte[] onnx, byte[] int8) = GeneratorFolder.Write(outDir, model, cqt, presetName);
        IReadOnlyList<TrainingExample> evaluation = validation.Count > 0 ? validation : training;
        // The last epoch was validated with the very weights the model now holds (the moving average): reuse that F1.
        double f1 = history[^1].ValidationF1 ?? GeneratorTrainer.Evaluate(model, evaluation), constant = GeneratorData.BestConstantF1(evaluation);
        double int8F1 = OnnxF1(int8, evaluation, out double agreement, onnx, out IReadOnlyList<RegisterScore> registers);
        var metrics = new
        {
            preset = presetName,
            tokenizer = config.Tokenizer.ToString().ToLowerInvariant(),
            positions = config.Positions.ToString().ToLowerInvariant(),
            seed,
            epochs,
            steps_per_epoch = stepsPerEpoch,
            batch_size = batchSize,
            synthetic_pieces = synthetic,
            precision = precisionName,
            training_seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            validation_register_f1 = f1,
            best_constant_register_f1 = constant,
            per_register = registers.Select(r => new { register = r.Register, true_positives = r.TruePositives, false_positives = r.FalsePositives, false_negatives = r.FalseNegatives, precision = r.Precision, recall = r.Recall, f1 = r.F1 }),
            int8_validation_register_f1 = int8F1,
            int8_control_agreement = agreement,
            onnx_bytes = onnx.Length,
            int8_onnx_bytes = int8.Length,
            history = history.Select(h => new { epoch = h.Epoch, step = h.Step, loss = h.Loss, learning_rate = h.LearningRate, validation_f1 = h.ValidationF1 }),
        };
        AtomicFile.WriteAllText(Path.Combine(outDir, "metrics.json"), JsonSerializer.Serialize(metrics, new JsonSerializerOptions { WriteIndented = true }));
        TrainingCurves.SavePng(Path.Combine(outDir, "training-curve.png"), history.Select(h => h.Loss).ToList(), history.Select(h => h.ValidationF1 ?? 0).ToList(), $"generator ({presetName}), seed {seed}");
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"register F1 {f1:F3} (best constant predictor {constant:F3}); int8 model {int8F1:F3} ({agreement:P2} of controls equal to float32, {int8.Length / 1e6:F1} MB vs {onnx.Length / 1e6:F1} MB)"));
        stdout.WriteLine("per register (precision / recall): " + string.Join(", ", registers.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Register}: {r.Precision:F2} / {r.Recall:F2}"))));
        stdout.WriteLine($"wrote {Path.GetFullPath(outDir)}/{GeneratorFolder.OnnxFile}, {GeneratorFolder.Int8File}, {GeneratorFolder.WeightsFile}, checkpoint.bin, metrics.json, training-curve.png");
        if (timings)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"preset\": \"{presetName}\", \"batch\": {options.BatchSize}, \"crop_frames\": {options.CropFrames}, \"gradient_checkpointing\": {(checkpointing ? "true" : "false")}, \"precision\": \"{precisionName}\", \"seconds_per_step\": {secondsPerStep:F3}, \"training_peak_rss_mb\": {trainingPeakMegabytes:F0}}}"));
        }

        return Program.Success;
    }

    /// <summary>The rule-based baseline: thresholds fitted on the training recordings (not the synthetic pieces), written as generator.onnx.</summary>
    private static int FitRules(string outDir, CqtOptions cqt, IReadOnlyList<TrainingExample> training, IReadOnlyList<TrainingExample> validation, TextWriter stdout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<RegisterRule> rules = RegisterRules.Fit(training.Select(e => (e.Cqt, e.Targets, e.Frames)), cqt);
        byte[] onnx = RegisterRules.Export(rules, cqt);
        AtomicFile.WriteAllBytes(Path.Combine(outDir, GeneratorFolder.OnnxFile), onnx);
        IReadOnlyList<TrainingExample> evaluation = validation.Count > 0 ? validation : training;
        double f1 = OnnxF1(onnx, evaluation, out _, onnx, out IReadOnlyList<RegisterScore> registers), constant = GeneratorData.BestConstantF1(evaluation);
        var metrics = new
        {
            preset = RegisterRules.Preset,
            training_recordings = training.Count,
            training_seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            validation_register_f1 = f1,
            best_constant_register_f1 = constant,
            thresholds = rules.Select(r => r.Threshold),
            widths = rules.Select(r => r.Width),
            per_register = registers.Select(r => new { register = r.Register, true_positives = r.TruePositives, false_positives = r.FalsePositives, false_negatives = r.FalseNegatives, precision = r.Precision, recall = r.Recall, f1 = r.F1 }),
            onnx_bytes = onnx.Length,
        };
        AtomicFile.WriteAllText(Path.Combine(outDir, "metrics.json"), JsonSerializer.Serialize(metrics, new JsonSerializerOptions { WriteIndented = true }));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"register F1 {f1:F3} (best constant predictor {constant:F3}); thresholds {string.Join(", ", rules.Select(r => r.Threshold.ToString("F3", CultureInfo.InvariantCulture)))}"));
        stdout.WriteLine($"wrote {Path.GetFullPath(outDir)}/{GeneratorFolder.OnnxFile}, metrics.json");
        return Program.Success;
    }

    /// <summary>
    /// Register F1 of an exported model run by ONNX Runtime, the fraction of its controls equal to the reference model's,
    /// and the reference model's per-register counts.
    /// </summary>
    private static double OnnxF1(byte[] model, IReadOnlyList<TrainingExample> examples, out double agreement, byte[] reference, out IReadOnlyList<RegisterScore> referenceRegisters)
    {
        using var generator = new CqtMl.Onnx.Generation.OnnxControlGenerator(model);
        using var baseline = new CqtMl.Onnx.Generation.OnnxControlGenerator(reference);
        var predicted = new List<float>();
        var targets = new List<float>();
        long equal = 0, total = 0;
        IReadOnlyList<RegisterScore>? registers = null;
        foreach (TrainingExample example in examples)
        {
            float[] controls = generator.Generate(example.Cqt, 1, example.Frames, new CqtMl.Onnx.Generation.GenerationOptions());
            float[] expected = baseline.Generate(example.Cqt, 1, example.Frames, new CqtMl.Onnx.Generation.GenerationOptions());
            IReadOnlyList<RegisterScore> scores = RegisterMetrics.PerRegister(expected, example.Targets);
            registers = registers is null ? scores : registers.Zip(scores, (a, b) => a.Add(b)).ToList();
            equal += controls.Zip(expected).Count(p => p.First == p.Second);
            total += controls.Length;
            predicted.AddRange(controls);
            targets.AddRange(example.Targets);
        }

        agreement = (double)equal / Math.Max(1, total);
        referenceRegisters = registers ?? Enumerable.Range(0, 4).Select(r => new RegisterScore(r, 0, 0, 0)).ToList();
        return RegisterMetrics.F1(predicted.ToArray(), targets.ToArray());
    }

    /// <summary>The paths and switches of one generator-training run; <c>Cqt</c> null means the project's default CQT.</summary>
    internal sealed record TrainArguments(string Root, string OutDir, string Preset, bool Patches, bool Interpolated, int Epochs, int StepsPerEpoch, int BatchSize, int Synthetic, int Seed, bool Resume, bool Checkpointing, TrainingPrecision Precision, bool Timings, CqtOptions? Cqt = null);

    private sealed class ConsoleProgress(TextWriter stdout, int epochs) : IProgress<TrainingProgress>
    {
        private readonly StepClock _steps = new();
        private readonly TimeLeft _left = new(epochs);

        /// <summary>Gets the mean wall time of the steps after the first (which pays for warm-up), or NaN.</summary>
        public double SecondsPerStep => _steps.SecondsPerStep;

        public void Report(TrainingProgress value)
        {
            if (value.ValidationF1 is null)
            {
                _steps.StepDone();
            }
            else
            {
                _steps.Pause();
            }

            if (value.ValidationF1 is double f1)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {_left.After(value.Epoch)}: step {value.Step}, loss {value.Loss:F4}, lr {value.LearningRate:E2}, validation F1 {f1:F3}"));
            }
        }
    }
}
