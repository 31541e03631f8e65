using System.CommandLine;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;
using CqtMl.Audio.IO;
using CqtMl.Onnx.Generation;
using CqtMl.Onnx.Models;
using CqtMl.Onnx.Reward;
using CqtMl.Plots;
using CqtMl.Preferences.Comparisons;

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
        var model = new Option<string?>("--model") { Description = "Exported generator (generator.onnx); default: the shipped demo generator (models/generator.onnx)." };
        var output = new Option<string>("--out") { Description = "Output .npy, float32 [samples, 4, frames].", Required = true };
        var mode = new Option<string>("--mode") { Description = "deterministic or stochastic.", DefaultValueFactory = _ => nameof(GenerationMode.Deterministic).ToLowerInvariant() };
        mode.AcceptOnlyFromAmong("deterministic", "stochastic");
        var defaults = new GenerationOptions();
        var temperature = new Option<double>("--temperature") { CustomParser = CliNumbers.ParseDouble, Description = "Sampling temperature (> 0).", DefaultValueFactory = _ => defaults.Temperature };
        var seed = new Option<long>("--seed") { CustomParser = CliNumbers.ParseLong, Description = "Sampling seed.", DefaultValueFactory = _ => defaults.Seed };
        var samples = new Option<int>("--samples") { CustomParser = CliNumbers.ParseInt, Description = "Samples to draw.", DefaultValueFactory = _ => defaults.SampleCount };
        var dropout = new Option<double>("--dropout") { CustomParser = CliNumbers.ParseDouble, Description = "Inference-time dropout probability in [0, 1) (stochastic mode only).", DefaultValueFactory = _ => defaults.Dropout };
        var coherence = new Option<double>("--coherence") { CustomParser = CliNumbers.ParseDouble, Description = "Correlation time of the sampling noise in seconds (stochastic mode; 0 = every frame independent).", DefaultValueFactory = _ => defaults.Coherence };
        var offset = new Option<double?>("--offset") { CustomParser = r => CliNumbers.ParseDouble(r), Description = "Start of the clip in seconds (cut from the decoded, resampled audio as cqtml compare cuts it)." };
        var duration = new Option<double?>("--duration") { CustomParser = r => CliNumbers.ParseDouble(r), Description = "Length of the clip in seconds (default: to the end)." };

        // Which flag sets which GenerationOptions property, so that a validation error names the flag the user typed.
        var flags = new Dictionary<string, Option>
        {
            [nameof(GenerationOptions.Mode)] = mode,
            [nameof(GenerationOptions.Temperature)] = temperature,
            [nameof(GenerationOptions.Seed)] = seed,
            [nameof(GenerationOptions.SampleCount)] = samples,
            [nameof(GenerationOptions.Dropout)] = dropout,
            [nameof(GenerationOptions.Coherence)] = coherence,
        };
        var bestOf = new Option<int?>("--best-of") { CustomParser = r => CliNumbers.ParseInt(r), Description = "Draw N stochastic samples, score them with --reward and write the best [1, 4, T]." };
        var reward = new Option<string?>("--reward") { Description = "Reward model (reward.onnx) for --best-of; default: the shipped demo reward model (models/reward.onnx)." };
        var png = new Option<string?>("--png") { Description = "Also plot the first sample's control curves." };
        var command = new Command("generate", "Generate control signals for an audio file with an exported generator (the shipped one unless --model).\nExample: cqtml generate song.mp3 --out controls.npy --mode stochastic --temperature 1.2 --seed 3 --png controls.png") { input, model, output, mode, temperature, seed, samples, dropout, coherence, offset, duration, bestOf, reward, png };
        command.SetAction(parse =>
        {
            int? best = parse.GetValue(bestOf);
            string? rewardPath = parse.GetValue(reward);
            if (best is null && rewardPath is not null)
            {
                throw new UsageException("--reward: scores the samples of --best-of N; give --best-of too");
            }

            if (best is not null && (parse.GetValue(mode) != "stochastic" || parse.GetResult(samples) is { Implicit: false }))
            {
                throw new UsageException("--best-of: needs --mode stochastic and takes the place of --samples");
            }

            var options = new GenerationOptions
            {
                Mode = parse.GetValue(mode) == "stochastic" ? GenerationMode.Stochastic : GenerationMode.Deterministic,
                Temperature = parse.GetValue(temperature),
                Seed = parse.GetValue(seed),
                SampleCount = best ?? parse.GetValue(samples),
                Dropout = parse.GetValue(dropout),
                Coherence = parse.GetValue(coherence),
            };
            UsageException.Validate(options.Validate, flags, "generation options");

            string audioPath = parse.GetRequiredValue(input), outPath = parse.GetRequiredValue(output);
            string? pngPath = parse.GetValue(png);
            AtomicFile.CheckTarget(outPath);
            if (pngPath is not null)
            {
                AtomicFile.CheckTarget(pngPath);
            }

            string? modelPath = parse.GetValue(model);
            using OnnxControlGenerator generator = OnnxControlGenerator.LoadOrShipped(modelPath);

            // The CQT the model was trained on (its metadata says which): sample rate, hop, bins, fmin, channels.
            CqtOptions cqt = generator.Info.Cqt;
            (double? clipOffset, double? clipDuration) = (parse.GetValue(offset), parse.GetValue(duration));
            float[] tensor;
            int frames;
            try
            {
                (tensor, frames) = ClipCqt.Compute(audioPath, new CqtExtractor(cqt), clipOffset, clipDuration);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw UsageException.ForOption(e, new Dictionary<string, Option> { ["offsetSeconds"] = offset, ["durationSeconds"] = duration }, "clip");
            }

            float[] controls;
            int written = options.SampleCount;
            string picked = string.Empty;
            if (best is not null)
            {
                using OnnxRewardModel rewardModel = OnnxRewardModel.LoadOrShipped(rewardPath);
                BestOfNResult result;
                try
                {
                    result = BestOfN.Generate(generator, rewardModel, tensor, frames, options);
                }
                catch (ArgumentException e) when (e.ParamName is null)
                {
                    throw new InvalidDataException($"{rewardPath ?? ShippedModels.Source}: {e.Message}", e);
                }

                controls = result.Controls;
                written = 1;
                picked = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"; best of {options.SampleCount}: sample {result.Index}, reward {result.Reward:R}");
            }
            else
            {
                controls = generator.Generate(tensor, 1, frames, options);
            }

            const int Registers = GeneratorContract.Registers;
            using PendingFile npy = NpyWriter.Prepare(outPath, controls, written, Registers, frames);
            using PendingFile? plot = pngPath is null ? null : AtomicFile.Prepare(pngPath, temp => TrainingCurves.SaveControlsPng(temp, controls.AsSpan(0, Registers * frames), frames, (double)cqt.SampleRate / cqt.HopLength, $"{Path.GetFileName(audioPath)}: controls ({options.Mode.ToString().ToLowerInvariant()})"));
            AtomicFile.CommitAll(npy, plot);
            stdout.WriteLine($"cqtml generate: [{written}, {GeneratorContract.Registers}, {frames}] controls -> {Path.GetFullPath(outPath)}{picked}");
            return Program.Success;
        });
        return command;
    }
}
