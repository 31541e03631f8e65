using System.CommandLine;
using System.Globalization;
using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Cqt;
using CqtMl.Onnx.Models;
using CqtMl.Onnx.Serving;

namespace CqtMl.Cli.Commands;

/// <summary>
/// <c>cqtml export-serving [--models &lt;dir&gt;] --out &lt;repo&gt;</c>: a model repository for NVIDIA Triton's ONNX Runtime
/// backend (and any ONNX Runtime server) from the ONNX files of a folder, or from the shipped models and the ONNX CQT.
/// </summary>
internal static class ExportServingCommand
{
    /// <summary>The largest batch Triton may form, by default.</summary>
    public const int DefaultMaxBatchSize = 8;

    public static Command Create(TextWriter stdout)
    {
        var models = new Option<string?>("--models") { Description = "Folder of .onnx files (each becomes a model named after its file). Default: the shipped generator and reward model and the ONNX CQT." };
        var output = new Option<string>("--out") { Description = "Model repository folder to write.", Required = true };
        var maxBatch = new Option<int>("--max-batch-size") { CustomParser = CliNumbers.ParseInt, Description = "Largest batch Triton forms for models with a leading dynamic dimension.", DefaultValueFactory = _ => DefaultMaxBatchSize };
        var command = new Command("export-serving", "Write a Triton Inference Server model repository (config.pbtxt from each ONNX file's own signature).\nExample: cqtml export-serving --models run/ --out model-repository")
        {
            models, output, maxBatch,
        };
        command.SetAction(parse =>
        {
            int batch = parse.GetValue(maxBatch);
            if (batch < 1)
            {
                throw new UsageException($"--max-batch-size must be at least 1, got {batch}.");
            }

            var list = new List<(string Name, byte[] Model)>();
            if (parse.GetValue(models) is string folder)
            {
                if (!Directory.Exists(folder))
                {
                    throw new DirectoryNotFoundException($"{folder}: no such folder");
                }

                foreach (string file in Directory.GetFiles(folder, "*.onnx").Order(StringComparer.Ordinal))
                {
                    list.Add((ModelName(file), File.ReadAllBytes(file)));
                }

                if (list.Count == 0)
                {
                    throw new InvalidDataException($"{folder}: no .onnx files");
                }
            }
            else
            {
                list.Add(("generator", ShippedModels.Generator));
                list.Add(("reward", ShippedModels.Reward));
                list.Add(("cqt", CqtOnnxModel.Build(new CqtOptions())));
            }

            string repository = parse.GetRequiredValue(output);
            IReadOnlyList<(string Name, bool Batched)> written = TritonModelRepository.Write(repository, list, batch);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cqtml export-serving: wrote {repository}: {string.Join(", ", written.Select(w => $"{w.Name} ({(w.Batched ? "dynamic batching" : "unbatched")})"))}"));
            return Program.Success;
        });
        return command;
    }

    /// <summary>A model's repository name: its file name without extension, other characters than letters, digits, '_' and '-' as '_'.</summary>
    private static string ModelName(string file) =>
        new string(Path.GetFileNameWithoutExtension(file).Select(c => TritonConstants.IsModelNameCharacter(c) ? c : '_').ToArray());
}
