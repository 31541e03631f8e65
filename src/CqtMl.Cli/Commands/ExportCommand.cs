using System.CommandLine;
using System.Globalization;
using CqtMl.Audio.IO;
using CqtMl.Onnx.Generation;
using CqtMl.Onnx.Models;
using CqtMl.Onnx.Reward;
using CqtMl.Onnx.Runtime;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using CqtMl.Torch.Reward;
using Microsoft.ML.OnnxRuntime;

namespace CqtMl.Cli.Commands;

/// <summary>
/// <c>cqtml export --weights generator.safetensors [--config generator.onnx] --out generator.onnx</c> (or a
/// reward.safetensors with <c>--config reward.onnx</c>): weights trained elsewhere (PyTorch DDP through
/// <c>tools/pytorch/train_ddp.py</c> or <c>train_reward_ddp.py</c>, say) loaded by name into the network the ONNX
/// metadata describes, exported to ONNX, and checked against TorchSharp on random inputs.
/// </summary>
internal static class ExportCommand
{
    public static Command Create(TextWriter stdout)
    {
        var weights = new Option<string>("--weights") { Description = "generator.safetensors or reward.safetensors (PyTorch names, as train-generator, train-reward and tools/pytorch/train_ddp.py, train_reward_ddp.py write them).", Required = true };
        var config = new Option<string?>("--config") { Description = "A generator.onnx or reward.onnx (or a generator folder) whose metadata gives the model, its architecture and the CQT. Default: the shipped generator." };
        var output = new Option<string>("--out") { Description = "The ONNX file to write.", Required = true };
        var command = new Command("export", "Export generator or reward-model weights (safetensors) to ONNX, parity-checked against TorchSharp.\nExample: cqtml export --weights ddp/generator.safetensors --config run/generator.onnx --out ddp/generator.onnx")
        {
            weights, config, output,
        };
        command.SetAction(parse =>
        {
            string weightsPath = parse.GetRequiredValue(weights), outPath = parse.GetRequiredValue(output);
            if (!File.Exists(weightsPath))
            {
                throw new FileNotFoundException($"{weightsPath}: file not found", weightsPath);
            }

            AtomicFile.CheckTarget(outPath);
            string? configPath = parse.GetValue(config);
            if (configPath is not null && Directory.Exists(configPath))
            {
                configPath = Path.Combine(configPath, GeneratorFolder.OnnxFile);
            }

            byte[] configModel = configPath is null ? ShippedModels.Generator : File.ReadAllBytes(configPath);
            string source = configPath ?? ShippedModels.Source;
            (byte[] onnx, string description, double difference, double tolerance) = Export(weightsPath, configModel, source);
            if (difference > tolerance)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"the exported graph differs from TorchSharp by {difference:E2} (relative; at most {tolerance:E0} expected): not written"));
            }

            AtomicFile.WriteAllBytes(outPath, onnx);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cqtml export: wrote {outPath} ({description}, {onnx.Length / 1024} KB); outputs match TorchSharp to {difference:E1} (relative)"));
            return Program.Success;
        });
        return command;
    }

    /// <summary>Exports the weights into the model <paramref name="config"/> describes: a reward model or a generator.</summary>
    private static (byte[] Onnx, string Description, double Difference, double Tolerance) Export(string weightsPath, byte[] config, string source)
    {
        using InferenceSession session = OnnxExecution.LoadForInspection(config, source);
        bool reward = session.ModelMetadata.CustomMetadataMap.TryGetValue(RewardContract.KindKey, out string? kind) && kind == RewardContract.Kind;
        return reward ? ExportReward(weightsPath, session, source) : ExportGenerator(weightsPath, session, source);
    }

    private static (byte[] Onnx, string Description, double Difference, double Tolerance) ExportGenerator(string weightsPath, InferenceSession config, string source)
    {
        (GeneratorConfig architecture, Audio.Cqt.CqtOptions cqt, string preset) = GeneratorFolder.ReadConfig(config, source);
        using var model = new CqtVisionTransformer(architecture);
        GeneratorWeights.LoadSafetensors(model, weightsPath);
        byte[] onnx = GeneratorOnnxExporter.Export(model, cqt, preset);
        return (onnx, $"generator, {preset}, {architecture.Depth} blocks", GeneratorParity.MaxRelativeDifference(model, onnx, (1, 37), (2, 345)), GeneratorParity.Tolerance);
    }

    private static (byte[] Onnx, string Description, double Difference, double Tolerance) ExportReward(string weightsPath, InferenceSession config, string source)
    {
        (RewardConfig architecture, Audio.Cqt.CqtOptions cqt, string preset) = RewardOnnxConfig.Read(config, source);
        using var model = new RewardModel(architecture);
        RewardWeights.LoadSafetensors(model, weightsPath);
        byte[] onnx = RewardOnnxExporter.Export(model, cqt, preset);
        return (onnx, $"reward model, {preset}", RewardParity.MaxRelativeDifference(model, onnx, (1, 37), (2, 129)), RewardParity.Tolerance);
    }
}
