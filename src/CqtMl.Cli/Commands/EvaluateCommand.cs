using System.CommandLine;
using CqtMl.Preferences.Comparisons;
using CqtMl.Preferences.Evaluation;
using CqtMl.Preferences.Judges;
using CqtMl.Preferences.Policies;

namespace CqtMl.Cli.Commands;

/// <summary>
/// <c>cqtml evaluate --data root --judge name --a generator.onnx --b generator.onnx</c>: compares two policies on clips
/// drawn from the data, one sample of each per clip with the same seed, and prints one JSON line
/// <c>{"clips": n, "win_rate_b": x, "ties": t}</c> (ties count half). Without <c>--judge</c> it writes the pairs
/// (<c>--out</c>) for a judge elsewhere; <c>cqtml evaluate --labels labelled.parquet</c> then counts their labels.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var defaults = new EvaluationOptions();
        var data = new Option<string?>("--data") { Description = "MusicNet-format root, FMA-format root or any folder of audio files to draw clips from." };
        var judge = new Option<string?>("--judge") { Description = $"The judge: {string.Join(", ", PreferenceJudging.BuiltIn.Select(j => j.Name))}." };
        var a = new Option<string?>("--a") { Description = "Policy A: an exported generator (generator.onnx)." };
        var b = new Option<string?>("--b") { Description = "Policy B, whose win rate is printed." };
        var bestOfA = new Option<int>("--best-of-a") { CustomParser = CliNumbers.ParseInt, Description = "Policy A keeps the best of N samples by --reward-a.", DefaultValueFactory = _ => 1 };
        var rewardA = new Option<string?>("--reward-a") { Description = "Reward model (reward.onnx) for --best-of-a." };
        var bestOfB = new Option<int>("--best-of-b", "--best-of") { CustomParser = CliNumbers.ParseInt, Description = "Policy B keeps the best of N samples by --reward-b (--best-of: the same).", DefaultValueFactory = _ => 1 };
        var rewardB = new Option<string?>("--reward-b", "--reward") { Description = "Reward model (reward.onnx) for --best-of-b (--reward: the same)." };
        var clips = new Option<int>("--clips") { CustomParser = CliNumbers.ParseInt, Description = "Clips to compare on (one pair each).", DefaultValueFactory = _ => defaults.Clips };
        var clipSeconds = new Option<double>("--clip-seconds") { CustomParser = CliNumbers.ParseDouble, Description = "Clip length in seconds.", DefaultValueFactory = _ => defaults.ClipSeconds };
        var temperature = new Option<double>("--temperature") { CustomParser = CliNumbers.ParseDouble, Description = "Sampling temperature of both generators.", DefaultValueFactory = _ => defaults.Temperature };
        var coherence = new Option<double>("--coherence") { CustomParser = CliNumbers.ParseDouble, Description = "Correlation time of the sampling noise in seconds.", DefaultValueFactory = _ => defaults.Coherence };
        var seed = new Option<long>("--seed") { CustomParser = CliNumbers.ParseLong, Description = "Seed of the clips and the samples (use one compare did not use, for clips the models never saw).", DefaultValueFactory = _ => defaults.Seed };
        var output = new Option<string?>("--out") { Description = "Also write the pairs (A = policy A) as a comparison dataset, labelled when --judge is given." };
        var labels = new Option<string?>("--labels") { Description = "Count the labels of pairs evaluate wrote and a judge elsewhere labelled (cqtml label import) instead of drawing new ones." };
        var flags = new Dictionary<string, Option>
        {
            [nameof(EvaluationOptions.Clips)] = clips,
            [nameof(EvaluationOptions.ClipSeconds)] = clipSeconds,
            [nameof(EvaluationOptions.Temperature)] = temperature,
            [nameof(EvaluationOptions.Coherence)] = coherence,
        };
        var command = new Command("evaluate", "Compare two policies on clips with a judge (or count labels given elsewhere) and print B's win rate as one JSON line.\nExample: cqtml evaluate --data music/ --judge onset --a gen/generator.onnx --b dpo/generator.onnx --clips 64") { data, judge, a, b, bestOfA, rewardA, bestOfB, rewardB, clips, clipSeconds, temperature, coherence, seed, output, labels };
        command.SetAction((parse, cancellation) =>
        {
            if (parse.GetValue(labels) is string labelled)
            {
                EvaluationResult counted = PolicyEvaluation.Count(ComparisonFile.ReadAll(labelled));
                if (counted.Clips == 0)
                {
                    throw new InvalidDataException($"{labelled}: no labelled pairs (label them with cqtml label import)");
                }

                stdout.WriteLine(counted.ToJson());
                return Task.FromResult(Program.Success);
            }

            var options = new EvaluationOptions
            {
                Clips = parse.GetValue(clips),
                ClipSeconds = parse.GetValue(clipSeconds),
                Temperature = parse.GetValue(temperature),
                Coherence = parse.GetValue(coherence),
                Seed = parse.GetValue(seed),
            };
            UsageException.Validate(options.Validate, flags, "evaluation options");

            string root = parse.GetValue(data) ?? throw new UsageException("--data is required (or --labels)");
            string aPath = parse.GetValue(a) ?? throw new UsageException("--a is required (or --labels)");
            string bPath = parse.GetValue(b) ?? throw new UsageException("--b is required (or --labels)");
            string? outPath = parse.GetValue(output);
            IPreferenceJudge? chosen = parse.GetValue(judge) is string name ? Judge(name) : null;
            if (chosen is null && outPath is null)
            {
                throw new UsageException("--judge or --out is required: a judge labels the pairs here, or --out writes them for a judge elsewhere");
            }

            using IControlPolicy policyA = Policy(aPath, options, parse.GetValue(bestOfA), parse.GetValue(rewardA), "--best-of-a", "--reward-a");
            using IControlPolicy policyB = Policy(bPath, options, parse.GetValue(bestOfB), parse.GetValue(rewardB), "--best-of-b", "--reward-b");
            var clipDrawer = new ClipDrawer(root, policyA.Cqt, options.ClipSeconds, options.Seed);
            // Progress goes to standard error: standard output stays the one JSON line.
            var progress = new ClipProgress(Program.ProgressWriter(parse, stderr), options.Clips);
            List<ComparisonRow> rows = PolicyEvaluation.Pairs(clipDrawer, options.Clips, policyA, policyB, options.Seed, chosen, progress, cancellation);
            if (outPath is not null)
            {
                ComparisonFile.Write(outPath, rows);
            }

            if (chosen is null)
            {
                stdout.WriteLine($"cqtml evaluate: wrote {rows.Count} unlabelled pairs (A = {policyA.Description}, B = {policyB.Description}) to {Path.GetFullPath(outPath!)}; label them and run cqtml evaluate --labels");
                return Task.FromResult(Program.Success);
            }

            stdout.WriteLine(PolicyEvaluation.Count(rows).ToJson());
            return Task.FromResult(Program.Success);
        });
        return command;
    }

    private static IPreferenceJudge Judge(string name)
    {
        try
        {
            return PreferenceJudging.Named(name);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--judge: {e.Message.Split(" (Parameter", 2)[0]}", e);
        }
    }

    private static IControlPolicy Policy(string path, EvaluationOptions options, int bestOf, string? reward, string bestOfFlag, string rewardFlag)
    {
        if (bestOf < 1 || (bestOf > 1 && reward is null))
        {
            throw new UsageException($"{bestOfFlag}: must be at least 1, and above 1 only with {rewardFlag}");
        }

        return new GeneratorPolicy(path, options.Sampling, reward, bestOf);
    }

    /// <summary>One line every tenth of the clips, with the time left.</summary>
    private sealed class ClipProgress(TextWriter writer, int clips) : IProgress<int>
    {
        private readonly TimeLeft _left = new(clips);

        public void Report(int value)
        {
            if (value == clips || value % Math.Max(1, clips / 10) == 0)
            {
                writer.WriteLine($"cqtml evaluate: clip {_left.After(value)}");
            }
        }
    }
}
