using System.CommandLine;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.IO;
using CqtMl.Onnx.Generation;
using CqtMl.Plots;

namespace CqtMl.Cli.Commands;

/// <summary>
/// <c>cqtml generate &lt;audio&gt; --model generator.onnx --out controls.npy</c>: controls <c>[N, 4, T]</c> for an audio
/// file, T being the CQT frame count of that audio.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create(TextWriter stdout)
    {
        var input = new Argument<string>("audio") { Description = "Audio file." };
        var model = new Option<string>("--model") { Description = "Exported generator (generator.onnx).", Required = true };
        var output = new Option<string>("--out") { Description = "Output .npy, float32 [samples, 4, frames].", Required = true };
        var mode = new Option<string>("--mode") { Description = "deterministic or stochastic.", DefaultValueFactory = _ => "deterministic" };
        mode.AcceptOnlyFromAmong("deterministic", "stochastic");
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature (> 0).", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<long>("--seed") { Description = "Sampling seed.", DefaultValueFactory = _ => 0 };
        var samples = new Option<int>("--samples") { Description = "Samples to draw.", DefaultValueFactory = _ => 1 };
        var dropout = new Option<double>("--dropout") { Description = "Inference-time dropout probability in [0, 1) (stochastic mode only).", DefaultValueFactory = _ => 0 };
        var png = new Option<string?>("--png") { Description = "Also plot the first sample's control curves." };
        var command = new Command("generate", "Generate control signals for an audio file with an exported generator.") { input, model, output, mode, temperature, seed, samples, dropout, png };
        command.SetAction(parse =>
        {
            var options = new GenerationOptions
            {
                Mode = parse.GetValue(mode) == "stochastic" ? GenerationMode.Stochastic : GenerationMode.Deterministic,
                Temperature = parse.GetValue(temperature),
                Seed = parse.GetValue(seed),
                SampleCount = parse.GetValue(samples),
                Dropout = parse.GetValue(dropout),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--{e.ParamName?.ToLowerInvariant()}: {e.Message.Split(" (Parameter", 2)[0]}", e);
            }

            string modelPath = parse.GetRequiredValue(model);
            if (!File.Exists(modelPath))
            {
                throw new FileNotFoundException($"{modelPath}: model file not found", modelPath);
            }

            using var generator = new OnnxControlGenerator(File.ReadAllBytes(modelPath));
            var extractor = new CqtExtractor(new CqtOptions { BinCount = generator.Bins });
            var example = GeneratorData.FromFile(parse.GetRequiredValue(input), extractor);
            float[] controls = generator.Generate(example.Cqt, 1, example.Frames, options);
            NpyWriter.WriteAll(parse.GetRequiredValue(output), controls, options.SampleCount, 4, example.Frames);
            if (parse.GetValue(png) is string plot)
            {
                TrainingCurves.SaveControlsPng(plot, controls.AsSpan(0, 4 * example.Frames), example.Frames, 22050.0 / 64, $"{Path.GetFileName(parse.GetRequiredValue(input))}: controls ({options.Mode.ToString().ToLowerInvariant()})");
            }

            stdout.WriteLine($"cqtml generate: [{options.SampleCount}, 4, {example.Frames}] controls -> {Path.GetFullPath(parse.GetRequiredValue(output))}");
            return Program.Success;
        });
        return command;
    }
}
