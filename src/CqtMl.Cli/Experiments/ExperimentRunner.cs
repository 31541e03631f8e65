using System.Text.Json;
using System.Text.Json.Nodes;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.IO;
using CqtMl.Cli.Commands;
using CqtMl.MLNet;
using CqtMl.Onnx.Models;
using CqtMl.Preferences.Comparisons;
using CqtMl.Preferences.Judges;
using CqtMl.Torch.Export;
using CqtMl.Torch.Reward;
using CqtMl.Torch.Training;
using Microsoft.ML;

namespace CqtMl.Cli.Experiments;

/// <summary>
/// <c>cqtml experiment run &lt;name&gt;.cqtml.json</c>: trains the experiment's model with the project's trainers,
/// evaluates it, and writes into <c>&lt;Name&gt;/</c> beside the file: the ONNX files, <c>metrics.json</c>, the ML.NET
/// model zip (audio path in) and the generated <c>&lt;Name&gt;.consumption.cs</c> and <c>&lt;Name&gt;.training.cs</c>.
/// </summary>
internal static class ExperimentRunner
{
    /// <summary>Runs the experiment; returns its output folder.</summary>
    public static string Run(string specPath, TextWriter stdout, CancellationToken cancellation)
    {
        ExperimentSpec spec = ExperimentSpec.Load(specPath);
        string folder = Path.GetDirectoryName(Path.GetFullPath(specPath))!;
        string name = ExperimentCode.ClassName(spec.Name);
        string outDir = Directory.CreateDirectory(Path.Combine(folder, name)).FullName;
        string data = Path.GetFullPath(Path.Combine(folder, spec.Data));
        if (!Directory.Exists(data))
        {
            throw new DirectoryNotFoundException($"{specPath}: data: {data} is not a folder");
        }

        CqtOptions cqt = spec.Cqt.ToOptions();
        var metrics = new JsonObject { ["experiment"] = spec.Name, ["task"] = spec.Task, ["data"] = data, ["preset"] = spec.Preset, ["seed"] = spec.Seed };
        string? generatorForCode;
        string generatorOnnx;
        string? rewardOnnx = null;
        if (spec.Task == ExperimentSpec.GeneratorTask)
        {
            string dir = Path.Combine(outDir, "generator");
            var arguments = new TrainGeneratorCommand.TrainArguments(data, dir, spec.Preset, false, false, spec.Training.Epochs, spec.Training.StepsPerEpoch ?? 20, spec.Training.BatchSize, 24, spec.Seed, false, false, TrainingPrecision.Float32, false, cqt);
            TrainGeneratorCommand.Run(arguments, stdout, cancellation);
            generatorOnnx = Path.Combine(dir, GeneratorFolder.OnnxFile);
            generatorForCode = generatorOnnx;
            JsonNode trained = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json")))!;
            metrics["register_f1"] = trained["validation_register_f1"]?.DeepClone();
            metrics["best_constant_register_f1"] = trained["best_constant_register_f1"]?.DeepClone();
        }
        else
        {
            (generatorOnnx, generatorForCode) = spec.Generator is string given ? (Path.GetFullPath(Path.Combine(folder, given)), Path.GetFullPath(Path.Combine(folder, given))) : (Path.Combine(outDir, ShippedModels.GeneratorFile), null);
            if (spec.Generator is null)
            {
                ShippedModels.WriteTo(ShippedModels.GeneratorFile, generatorOnnx);
            }

            string pairs = Path.Combine(outDir, "pairs.parquet"), labelled = Path.Combine(outDir, "pairs-labelled.parquet");
            using (var comparisons = new ComparisonDatasetGenerator(data, generatorOnnx, new ComparisonDatasetOptions { Clips = spec.Clips!.Value, ClipSeconds = spec.ClipSeconds!.Value, PairsPerClip = 2, Seed = spec.Seed }))
            {
                comparisons.Generate(pairs, cancellation: cancellation);
            }

            DatasetJudging.Judge(pairs, data, PreferenceJudging.Named(spec.Judge!), labelled);
            string dir = Path.Combine(outDir, "reward");
            string weights = Path.Combine(Path.GetDirectoryName(generatorOnnx)!, GeneratorFolder.WeightsFile);
            var run = new TrainRewardCommand.RewardRun(labelled, data, dir, spec.Preset, spec.Generator is not null && File.Exists(weights) ? weights : null, null, false, false, null);
            var training = new RewardTrainingOptions { Epochs = spec.Training.Epochs, StepsPerEpoch = spec.Training.StepsPerEpoch, BatchSize = spec.Training.BatchSize, Seed = spec.Seed, CheckpointPath = Path.Combine(dir, "checkpoint.bin") };
            TrainRewardCommand.Run(run, training, stdout, cancellation);
            rewardOnnx = Path.Combine(dir, ShippedModels.RewardFile);
            metrics["validation_accuracy"] = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json")))!["validation_accuracy"]?.DeepClone();
            metrics["judge"] = spec.Judge;
        }

        string zip = Path.Combine(outDir, ExperimentCode.ModelFile(spec));
        SaveModel(zip, data, cqt, generatorOnnx, rewardOnnx);
        AtomicFile.WriteAllText(Path.Combine(outDir, name + ".consumption.cs"), ExperimentCode.Consumption(spec));
        AtomicFile.WriteAllText(Path.Combine(outDir, name + ".training.cs"), ExperimentCode.Training(spec, data, generatorForCode));
        metrics["model"] = zip;
        AtomicFile.WriteAllText(Path.Combine(outDir, "metrics.json"), metrics.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        stdout.WriteLine($"cqtml experiment run: {spec.Name} ({spec.Task}) -> {outDir}: {ExperimentCode.ModelFile(spec)}, {name}.consumption.cs, {name}.training.cs, metrics.json");
        return outDir;
    }

    /// <summary>The ML.NET model: audio path -> CQT -> controls (-> reward), fitted on one file of the data and saved.</summary>
    private static void SaveModel(string zip, string data, CqtOptions cqt, string generatorOnnx, string? rewardOnnx)
    {
        var ml = new MLContext(seed: 1);
        string audioFile = AudioCatalog.Resolve(data, AudioCatalog.List(data).FirstOrDefault() ?? throw new InvalidDataException($"{data}: no audio files"));
        IDataView audio = ml.Data.LoadFromEnumerable(new[] { new AudioPathRow { Path = audioFile } });
        var cqtOptions = new CqtEstimator.Options { InputColumnName = "Path", OutputColumnName = "Cqt", SampleRate = cqt.SampleRate, HopLength = cqt.HopLength, BinCount = cqt.BinCount, BinsPerOctave = cqt.BinsPerOctave, FMin = cqt.FMin };
        var generate = ml.Transforms.ExtractCqt(cqtOptions).Append(ml.Transforms.GenerateControls("Controls", "Cqt", generatorOnnx));
        ITransformer model = rewardOnnx is null ? generate.Fit(audio) : generate.Append(ml.Transforms.ScoreReward("Reward", "Cqt", "Controls", rewardOnnx)).Fit(audio);
        using var disposeModel = (IDisposable)model; // deletes the ONNX models' temporary copies
        ml.Model.Save(model, audio.Schema, zip);
    }
}
