using System.CommandLine;
using System.Globalization;
using CqtMl.Audio.IO;
using CqtMl.Onnx.Generation;
using CqtMl.Onnx.Models;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;

namespace CqtMl.Cli.Commands;

/// <summary>
/// <c>cqtml export --weights generator.safetensors [--config generator.onnx] --out generator.onnx</c>: weights trained
/// elsewhere (PyTorch DDP through <c>tools/pytorch/train_ddp.py</c>, say) loaded by name into the network a generator's
/// ONNX metadata describes, exported to ONNX, and checked against TorchSharp on random inputs.
/// </summary>
internal static class ExportCommand
{
    public static Command Create(TextWriter stdout)
    {
        var weights = new Option<string>("--weights") { Description = "generator.safetensors (PyTorch names, as train-generator and tools/pytorch/train_ddp.py write them).", Required = true };
        var config = new Option<string?>("--config") { Description = "A generator.onnx (or the folder holding it) whose metadata gives the architecture and the CQT. Default: the shipped generator." };
        var output = new Option<string>("--out") { Description = "The ONNX file to write.", Required = true };
        var command = new Command("export", "Export generator weights (safetensors) to ONNX, parity-checked against TorchSharp.\nExample: cqtml export --weights ddp/generator.safetensors --config run/generator.onnx --out ddp/generator.onnx")
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
            (GeneratorConfig architecture, Audio.Cqt.CqtOptions cqt, string preset) = GeneratorFolder.ReadConfig(configModel, configPath ?? ShippedModels.Source);
            using var model = new CqtVisionTransformer(architecture);
            GeneratorWeights.LoadSafetensors(model, weightsPath);
            byte[] onnx = GeneratorOnnxExporter.Export(model, cqt, preset);
            double difference = GeneratorParity.MaxRelativeDifference(model, onnx, (1, 37), (2, 345));
            if (difference > GeneratorParity.Tolerance)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"the exported graph differs from TorchSharp by {difference:E2} (relative; at most {GeneratorParity.Tolerance:E0} expected): not written"));
            }

            AtomicFile.WriteAllBytes(outPath, onnx);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cqtml export: wrote {outPath} ({preset}, {architecture.Depth} blocks, {onnx.Length / 1024} KB); logits match TorchSharp to {difference:E1} (relative)"));
            return Program.Success;
        });
        return command;
    }
}
