using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CqtMl.Preferences.Comparisons;

namespace CqtMl.Cli.Commands;

/// <summary>
/// <c>cqtml compare --data &lt;root&gt; --model generator.onnx --out pairs.parquet</c>: a comparison dataset of pairs of
/// stochastic samples of clips drawn from the data (see <see cref="ComparisonDatasetGenerator"/>).
/// </summary>
internal static class CompareCommand
{
    public static Command Create(TextWriter stdout)
    {
        var defaults = new ComparisonDatasetOptions();
        var data = new Option<string>("--data") { Description = "MusicNet-format root, FMA-format root or any folder of audio files (searched recursively).", Required = true };
        var model = new Option<string>("--model") { Description = "Exported generator (generator.onnx).", Required = true };
        var output = new Option<string>("--out") { Description = "Output Parquet file, one row per pair.", Required = true };
        var clips = new Option<int>("--clips") { CustomParser = CliNumbers.ParseInt, Description = "Clips to draw.", DefaultValueFactory = _ => defaults.Clips };
        var clipSeconds = new Option<double>("--clip-seconds") { CustomParser = CliNumbers.ParseDouble, Description = "Clip length in seconds (shorter files give their whole length).", DefaultValueFactory = _ => defaults.ClipSeconds };
        var pairs = new Option<int>("--pairs-per-clip") { CustomParser = CliNumbers.ParseInt, Description = "Pairs of samples per clip.", DefaultValueFactory = _ => defaults.PairsPerClip };
        var temperatures = new Option<string>("--temperatures") { Description = "Comma-separated temperatures each sample's is drawn from.", DefaultValueFactory = _ => string.Join(',', defaults.Temperatures.Select(t => t.ToString("R", CultureInfo.InvariantCulture))) };
        var dropout = new Option<double>("--dropout") { CustomParser = CliNumbers.ParseDouble, Description = "Inference-time dropout of every sample, in [0, 1).", DefaultValueFactory = _ => defaults.Dropout };
        var coherence = new Option<double>("--coherence") { CustomParser = CliNumbers.ParseDouble, Description = "Correlation time of the sampling noise in seconds (0 = every frame independent).", DefaultValueFactory = _ => defaults.Coherence };
        var seed = new Option<long>("--seed") { CustomParser = CliNumbers.ParseLong, Description = "Seed of the clips, the samples and the pair ids.", DefaultValueFactory = _ => defaults.Seed };
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted run (its finished clips are in <out>" + ComparisonDatasetGenerator.PartsSuffix + ")." };
        var flags = new Dictionary<string, Option>
        {
            [nameof(ComparisonDatasetOptions.Clips)] = clips,
            [nameof(ComparisonDatasetOptions.ClipSeconds)] = clipSeconds,
            [nameof(ComparisonDatasetOptions.PairsPerClip)] = pairs,
            [nameof(ComparisonDatasetOptions.Temperatures)] = temperatures,
            ["Temperature"] = temperatures,
            [nameof(ComparisonDatasetOptions.Dropout)] = dropout,
            [nameof(ComparisonDatasetOptions.Coherence)] = coherence,
        };
        var command = new Command("compare", "Generate a comparison dataset (Parquet) of sample pairs for preference learning.\nExample: cqtml compare --data music/ --model gen/generator.onnx --out pairs.parquet --clips 64 --seed 1") { data, model, output, clips, clipSeconds, pairs, temperatures, dropout, coherence, seed, resume };
        command.SetAction((parse, cancellation) =>
        {
            var options = new ComparisonDatasetOptions
            {
                Clips = parse.GetValue(clips),
                ClipSeconds = parse.GetValue(clipSeconds),
                PairsPerClip = parse.GetValue(pairs),
                Temperatures = ParseList(parse.GetValue(temperatures)!, temperatures),
                Dropout = parse.GetValue(dropout),
                Coherence = parse.GetValue(coherence),
                Seed = parse.GetValue(seed),
            };
            UsageException.Validate(options.Validate, flags, "comparison options");

            string outPath = parse.GetRequiredValue(output);
            var clock = Stopwatch.StartNew();
            using var generator = new ComparisonDatasetGenerator(parse.GetRequiredValue(data), parse.GetRequiredValue(model), options);
            long rows = generator.Generate(outPath, parse.GetValue(resume), new Progress(Program.ProgressWriter(parse, stdout)), cancellation);
            double seconds = clock.Elapsed.TotalSeconds;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cqtml compare: {rows} pairs from {options.Clips} clips in {seconds:F1} s ({rows / Math.Max(seconds, 1e-9):F1} pairs/s) -> {Path.GetFullPath(outPath)}"));
            return Task.FromResult(Program.Success);
        });
        return command;
    }

    private static double[] ParseList(string text, Option option)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
            {
                throw new UsageException($"{option.Name}: '{parts[i]}' is not a finite number such as 1.5");
            }
        }

        return values;
    }

    /// <summary>One line every tenth of the clips (and at the end).</summary>
    private sealed class Progress(TextWriter stdout) : IProgress<ComparisonProgress>
    {
        private TimeLeft? _left;

        public void Report(ComparisonProgress value)
        {
            _left ??= new TimeLeft(value.Clips);
            if (value.ClipsDone == value.Clips || value.ClipsDone % Math.Max(1, value.Clips / 10) == 0)
            {
                stdout.WriteLine($"clip {_left.After(value.ClipsDone)}: {value.Pairs} pairs");
            }
        }
    }
}
