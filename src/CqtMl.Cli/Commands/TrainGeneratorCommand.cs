using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.IO;
using CqtMl.MLNet;
using CqtMl.Plots;
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
        var preset = new Option<string>("--preset") { Description = "demo (small, CPU-friendly) or tiny (ViT-tiny).", DefaultValueFactory = _ => "demo" };
        preset.AcceptOnlyFromAmong("demo", "tiny");
        var epochs = new Option<int>("--epochs") { Description = "Epochs.", DefaultValueFactory = _ => 10 };
        var steps = new Option<int>("--steps-per-epoch") { Description = "Optimisation steps per epoch.", DefaultValueFactory = _ => 20 };
        var seed = new Option<int>("--seed") { Description = "Seed of initialisation, sampling and dropout.", DefaultValueFactory = _ => 0 };
        var resume = new Option<bool>("--resume") { Description = "Continue from <out>/checkpoint.bin." };
        var command = new Command("train-generator", "Train the control generator on MusicNet-style labels and export it to ONNX.") { data, output, preset, epochs, steps, seed, resume };
        command.SetAction((parse, cancellation) => Task.FromResult(Run(parse.GetRequiredValue(data), parse.GetRequiredValue(output), parse.GetValue(preset)!, parse.GetValue(epochs), parse.GetValue(steps), parse.GetValue(seed), parse.GetValue(resume), stdout, cancellation)));
        return command;
    }

    private static int Run(string root, string outDir, string presetName, int epochs, int stepsPerEpoch, int seed, bool resume, TextWriter stdout, CancellationToken cancellation)
    {
        if (epochs < 1 || stepsPerEpoch < 1)
        {
            throw new UsageException("--epochs and --steps-per-epoch must be at least 1.");
        }

        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"{root}: MusicNet root not found");
        }

        var cqt = new CqtOptions();
        var extractor = new CqtExtractor(cqt);
        List<TrainingExample> training = GeneratorData.Load(root, MusicNetSplit.Train, extractor);
        List<TrainingExample> validation = Directory.Exists(Path.Combine(root, "test_data")) ? GeneratorData.Load(root, MusicNetSplit.Test, extractor) : new List<TrainingExample>();
        stdout.WriteLine($"cqtml train-generator: {training.Count} training and {validation.Count} validation recordings; {TorchRuntime.Describe()} (CPU trains in float32)");

        GeneratorConfig config = presetName == "tiny" ? GeneratorConfig.Tiny : GeneratorConfig.Demo;
        torch.manual_seed(seed);
        using var model = new CqtVisionTransformer(config);
        var options = new GeneratorTrainingOptions { Epochs = epochs, StepsPerEpoch = stepsPerEpoch, Seed = seed, CheckpointPath = Path.Combine(outDir, "checkpoint.bin") };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var progress = new ConsoleProgress(stdout);
        IReadOnlyList<TrainingProgress> history = GeneratorTrainer.Train(model, training, validation, options, progress, resume, cancellation);

        byte[] onnx = GeneratorOnnxExporter.Export(model, cqt, presetName);
        AtomicFile.WriteAllBytes(Path.Combine(outDir, "generator.onnx"), onnx);
        GeneratorWeights.SaveSafetensors(model, Path.Combine(outDir, "generator.safetensors"));
        IReadOnlyList<TrainingExample> evaluation = validation.Count > 0 ? validation : training;
        double f1 = GeneratorTrainer.Evaluate(model, evaluation), constant = GeneratorData.BestConstantF1(evaluation);
        var metrics = new
        {
            preset = presetName,
            seed,
            epochs,
            steps_per_epoch = stepsPerEpoch,
            training_seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            validation_register_f1 = f1,
            best_constant_register_f1 = constant,
            history = history.Select(h => new { epoch = h.Epoch, step = h.Step, loss = h.Loss, learning_rate = h.LearningRate, validation_f1 = h.ValidationF1 }),
        };
        AtomicFile.WriteAllText(Path.Combine(outDir, "metrics.json"), JsonSerializer.Serialize(metrics, new JsonSerializerOptions { WriteIndented = true }));
        TrainingCurves.SavePng(Path.Combine(outDir, "training-curve.png"), history.Select(h => h.Loss).ToList(), history.Select(h => h.ValidationF1 ?? 0).ToList(), $"generator ({presetName}), seed {seed}");
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"register F1 {f1:F3} (best constant predictor {constant:F3}); wrote {Path.GetFullPath(outDir)}/generator.onnx, generator.safetensors, checkpoint.bin, metrics.json, training-curve.png"));
        return Program.Success;
    }

    private sealed class ConsoleProgress(TextWriter stdout) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.ValidationF1 is double f1)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {value.Epoch}: step {value.Step}, loss {value.Loss:F4}, lr {value.LearningRate:E2}, validation F1 {f1:F3}"));
            }
        }
    }
}
