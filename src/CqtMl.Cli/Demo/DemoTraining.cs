using System.Text.Json.Nodes;
using CqtMl.Cli.Commands;
using CqtMl.Preferences.Comparisons;
using CqtMl.Preferences.Judges;
using CqtMl.Torch.Export;
using CqtMl.Torch.Reward;
using CqtMl.Torch.Training;

namespace CqtMl.Cli.Demo;

/// <summary>
/// <c>cqtml demo --train</c>: trains a generator and a reward model from scratch on the demo's data with the project's
/// own trainers (small budgets, a few minutes on two cores), in place of the shipped models.
/// </summary>
internal static class DemoTraining
{
    /// <summary>Generator epochs (of <see cref="GeneratorSteps"/> steps of batch 16).</summary>
    public const int GeneratorEpochs = 30;

    /// <summary>Generator steps per epoch.</summary>
    public const int GeneratorSteps = 10;

    /// <summary>Clips of the reward model's training pairs (two pairs each).</summary>
    public const int RewardClips = 96;

    /// <summary>Reward-model epochs.</summary>
    public const int RewardEpochs = 3;

    /// <summary>The number of console steps <see cref="Run"/> takes.</summary>
    public const int Steps = 3;

    /// <summary>Trains both models into <c>&lt;folder&gt;/train/</c> and returns their ONNX files.</summary>
    public static (string Generator, string Reward) Run(DemoOptions options, string root, string folder, DemoConsole console, DemoReport report, TextWriter log, CancellationToken cancellation)
    {
        if (!DemoData.HasMusicNetLabels(root))
        {
            throw new InvalidDataException($"{root}: --train needs labelled recordings in the MusicNet layout (train_data/, train_labels/); leave out --data for the built-in ones");
        }

        string generatorDir = Path.Combine(folder, "train", "generator"), rewardDir = Path.Combine(folder, "train", "reward");
        console.Step($"training a generator from scratch ({GeneratorEpochs} epochs x {GeneratorSteps} steps)", () =>
        {
            var arguments = new TrainGeneratorCommand.TrainArguments(root, generatorDir, "demo", false, false, GeneratorEpochs, GeneratorSteps, 16, 24, (int)options.Seed, false, false, TrainingPrecision.Float32, false);
            return TrainGeneratorCommand.Run(arguments, log, cancellation);
        }, _ => $"-> {generatorDir}");
        File.Copy(Path.Combine(generatorDir, "training-curve.png"), Path.Combine(folder, "training-curve-generator.png"), overwrite: true);

        string pairs = Path.Combine(rewardDir, "pairs.parquet"), labelled = Path.Combine(rewardDir, "pairs-labelled.parquet");
        console.Step($"training pairs for the reward model ({RewardClips} clips, {options.Judge} judge)", () =>
        {
            Directory.CreateDirectory(rewardDir);
            var comparison = new ComparisonDatasetOptions { Clips = RewardClips, ClipSeconds = DemoOptions.DefaultClipSeconds, PairsPerClip = 2, Seed = options.Seed + 1 };
            using (var generator = new ComparisonDatasetGenerator(root, Path.Combine(generatorDir, GeneratorFolder.OnnxFile), comparison))
            {
                generator.Generate(pairs, cancellation: cancellation);
            }

            return DatasetJudging.Judge(pairs, root, PreferenceJudging.Named(options.Judge), labelled);
        }, labels => $"{labels.Values.Sum()} pairs labelled");

        console.Step($"training a reward model ({RewardEpochs} epochs, CQT encoder from the new generator)", () =>
        {
            var run = new TrainRewardCommand.RewardRun(labelled, root, rewardDir, "demo", Path.Combine(generatorDir, "generator.safetensors"), null, false, false, null);
            var training = new RewardTrainingOptions { Epochs = RewardEpochs, Seed = (int)options.Seed, CheckpointPath = Path.Combine(rewardDir, "checkpoint.bin") };
            return TrainRewardCommand.Run(run, training, log, cancellation);
        }, _ => $"-> {rewardDir}");
        File.Copy(Path.Combine(rewardDir, "training-curve.png"), Path.Combine(folder, "training-curve-reward.png"), overwrite: true);

        report.Add("Training curves", "training-curve-generator.png", "The generator trained from scratch on the demo's data: training loss and validation register F1 per epoch.");
        report.Add("Reward model training", "training-curve-reward.png", "The reward model trained on the new generator's judged pairs: Bradley-Terry loss and validation pairwise accuracy per epoch.");
        report.Metrics["trained"] = new JsonObject
        {
            ["generator"] = JsonNode.Parse(File.ReadAllText(Path.Combine(generatorDir, "metrics.json")))!["validation_register_f1"]?.DeepClone(),
            ["reward_validation_accuracy"] = JsonNode.Parse(File.ReadAllText(Path.Combine(rewardDir, "metrics.json")))!["validation_accuracy"]?.DeepClone(),
        };
        return (Path.Combine(generatorDir, GeneratorFolder.OnnxFile), Path.Combine(rewardDir, "reward.onnx"));
    }
}
