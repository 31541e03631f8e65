using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CqtMl.Audio.IO;
using CqtMl.Onnx.Reward;
using CqtMl.Preferences.Comparisons;
using CqtMl.Preferences.Evaluation;
using CqtMl.Preferences.Judges;
using CqtMl.Preferences.Policies;
using CqtMl.Torch.Dpo;
using CqtMl.Torch.Export;
using CqtMl.Torch.Reward;

namespace CqtMl.Cli.Commands;

/// <summary>
/// <c>cqtml improve --data root --generator dir --judge name --rounds R --out dir</c>: iterated preference learning.
/// Round r (in <c>out/round-r</c>): pairs from the current generator (<c>pairs.parquet</c>), labelled by the judge
/// (<c>labelled.parquet</c>), the reward model trained (round 1, its CQT encoder from the generator) or continued
/// (<c>reward/</c>), DPO from the current generator (<c>generator/</c>, the next round's start), and the new generator
/// against the starting one on the same held-out clips every round; <c>rounds.json</c> gets the round's win rate and
/// reward statistics. Every file is written atomically and every step is skipped when its output exists, so an
/// interrupted run resumes in the round (and the step) it stopped in.
/// </summary>
internal static class ImproveCommand
{
    /// <summary>The summary file's name.</summary>
    public const string RoundsFile = "rounds.json";

    public static Command Create(TextWriter stdout)
    {
        var defaults = new ImprovementOptions();
        var data = new Option<string>("--data") { Description = "MusicNet-format root, FMA-format root or any folder of audio files.", Required = true };
        var generator = new Option<string>("--generator") { Description = $"The starting generator's folder ({GeneratorFolder.OnnxFile} and {GeneratorFolder.WeightsFile}).", Required = true };
        var judge = new Option<string>("--judge") { Description = $"The judge that labels every round's pairs and the win rates: {string.Join(", ", PreferenceJudging.BuiltIn.Select(j => j.Name))}.", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder (round-1, round-2 ..., rounds.json).", Required = true };
        var rounds = new Option<int>("--rounds") { CustomParser = CliNumbers.ParseInt, Description = "Rounds.", DefaultValueFactory = _ => defaults.Rounds };
        var clips = new Option<int>("--clips") { CustomParser = CliNumbers.ParseInt, Description = "Clips drawn per round.", DefaultValueFactory = _ => defaults.Comparison.Clips };
        var pairsPerClip = new Option<int>("--pairs-per-clip") { CustomParser = CliNumbers.ParseInt, Description = "Pairs per clip.", DefaultValueFactory = _ => defaults.Comparison.PairsPerClip };
        var clipSeconds = new Option<double>("--clip-seconds") { CustomParser = CliNumbers.ParseDouble, Description = "Clip length in seconds (pairs and evaluation).", DefaultValueFactory = _ => defaults.Comparison.ClipSeconds };
        var rewardEpochs = new Option<int>("--reward-epochs") { CustomParser = CliNumbers.ParseInt, Description = "Reward-model epochs per round.", DefaultValueFactory = _ => defaults.Reward.Epochs };
        var dpoEpochs = new Option<int>("--dpo-epochs") { CustomParser = CliNumbers.ParseInt, Description = "DPO epochs per round.", DefaultValueFactory = _ => defaults.Dpo.Epochs };
        var beta = new Option<double>("--beta") { CustomParser = CliNumbers.ParseDouble, Description = "DPO's beta.", DefaultValueFactory = _ => defaults.Dpo.Beta };
        var evalClips = new Option<int>("--eval-clips") { CustomParser = CliNumbers.ParseInt, Description = "Held-out clips of the win rate against the starting generator.", DefaultValueFactory = _ => defaults.Evaluation.Clips };
        var seed = new Option<long>("--seed") { CustomParser = CliNumbers.ParseLong, Description = "Seed of everything (round r's pairs use seed + r; the evaluation clips the evaluation default seed + this seed).", DefaultValueFactory = _ => defaults.Comparison.Seed };
        var command = new Command("improve", "Iterated preference learning: pairs, judge labels, reward model and DPO, round after round, with win rates against the start.\nExample: cqtml improve --data music/ --generator gen/ --judge onset --rounds 3 --out improve/") { data, generator, judge, output, rounds, clips, pairsPerClip, clipSeconds, rewardEpochs, dpoEpochs, beta, evalClips, seed };
        command.SetAction((parse, cancellation) =>
        {
            long baseSeed = parse.GetValue(seed);
            var options = new ImprovementOptions
            {
                Rounds = parse.GetValue(rounds),
                Comparison = defaults.Comparison with { Clips = parse.GetValue(clips), PairsPerClip = parse.GetValue(pairsPerClip), ClipSeconds = parse.GetValue(clipSeconds), Seed = baseSeed },
                Reward = defaults.Reward with { Epochs = parse.GetValue(rewardEpochs), Seed = (int)(baseSeed % int.MaxValue) },
                Dpo = defaults.Dpo with { Epochs = parse.GetValue(dpoEpochs), Beta = parse.GetValue(beta), Seed = (int)(baseSeed % int.MaxValue) },
                Evaluation = defaults.Evaluation with { Clips = parse.GetValue(evalClips), ClipSeconds = parse.GetValue(clipSeconds), Seed = defaults.Evaluation.Seed + baseSeed },
            };
            UsageException.Validate(options.Comparison.Validate, new Dictionary<string, Option> { [nameof(ComparisonDatasetOptions.Clips)] = clips, [nameof(ComparisonDatasetOptions.PairsPerClip)] = pairsPerClip, [nameof(ComparisonDatasetOptions.ClipSeconds)] = clipSeconds }, "improvement options");
            UsageException.Validate(options.Reward.Validate, new Dictionary<string, Option> { [nameof(RewardTrainingOptions.Epochs)] = rewardEpochs }, "improvement options");
            UsageException.Validate(options.Dpo.Validate, new Dictionary<string, Option> { [nameof(DpoTrainingOptions.Epochs)] = dpoEpochs, [nameof(DpoTrainingOptions.Beta)] = beta }, "improvement options");
            UsageException.Validate(options.Evaluation.Validate, new Dictionary<string, Option> { [nameof(EvaluationOptions.Clips)] = evalClips, [nameof(EvaluationOptions.ClipSeconds)] = clipSeconds }, "improvement options");
            UsageException.Validate(options.Validate, new Dictionary<string, Option> { [nameof(ImprovementOptions.Rounds)] = rounds }, "improvement options");

            IPreferenceJudge chosen;
            try
            {
                chosen = PreferenceJudging.Named(parse.GetRequiredValue(judge));
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--judge: {e.Message.Split(" (Parameter", 2)[0]}", e);
            }

            return Task.FromResult(Run(parse.GetRequiredValue(data), parse.GetRequiredValue(generator), chosen, parse.GetRequiredValue(output), options, stdout, cancellation));
        });
        return command;
    }

    private static int Run(string dataRoot, string startDir, IPreferenceJudge judge, string outDir, ImprovementOptions options, TextWriter stdout, CancellationToken cancellation)
    {
        if (!Directory.Exists(dataRoot))
        {
            throw new DirectoryNotFoundException($"{dataRoot}: data folder not found");
        }

        GeneratorFolderInfo start = GeneratorFolder.Read(startDir);
        Directory.CreateDirectory(outDir);
        string roundsPath = Path.Combine(outDir, RoundsFile);
        JsonArray done = File.Exists(roundsPath) ? (JsonNode.Parse(File.ReadAllText(roundsPath))?["rounds"] as JsonArray ?? new JsonArray()) : new JsonArray();
        stdout.WriteLine($"cqtml improve: {options.Rounds} rounds with the {judge.Name} judge from {Path.GetFullPath(startDir)}; {done.Count} done before");
        string current = startDir;
        for (int round = 1; round <= options.Rounds; round++)
        {
            cancellation.ThrowIfCancellationRequested();
            string roundDir = Path.Combine(outDir, $"round-{round}");
            string next = Path.Combine(roundDir, "generator");
            if (round <= done.Count)
            {
                current = next;
                continue;
            }

            Directory.CreateDirectory(roundDir);
            string pairs = Path.Combine(roundDir, "pairs.parquet"), labelled = Path.Combine(roundDir, "labelled.parquet"), rewardDir = Path.Combine(roundDir, "reward");
            if (!File.Exists(pairs))
            {
                using var comparisons = new ComparisonDatasetGenerator(dataRoot, Path.Combine(current, GeneratorFolder.OnnxFile), options.Comparison with { Seed = options.Comparison.Seed + round });
                comparisons.Generate(pairs, resume: true, cancellation: cancellation);
            }

            if (!File.Exists(labelled))
            {
                DatasetJudging.Judge(pairs, dataRoot, judge, labelled);
            }

            if (!File.Exists(Path.Combine(rewardDir, "reward.onnx")))
            {
                string? previousReward = round > 1 ? Path.Combine(outDir, $"round-{round - 1}", "reward", "reward.safetensors") : null;
                string? initFrom = previousReward is null ? Path.Combine(current, GeneratorFolder.WeightsFile) : null;
                var run = new TrainRewardCommand.RewardRun(labelled, dataRoot, rewardDir, start.Preset, initFrom, previousReward, Resume: true, Timings: false, TrainingPairs: null, Encoder: start.Config);
                TrainRewardCommand.Run(run, options.Reward with { CheckpointPath = Path.Combine(rewardDir, "checkpoint.bin") }, stdout, cancellation);
            }

            if (!File.Exists(Path.Combine(next, GeneratorFolder.OnnxFile)))
            {
                var run = new TrainDpoCommand.DpoRun(current, labelled, dataRoot, next, RegisterData: null, Resume: true, Timings: false);
                TrainDpoCommand.Run(run, options.Dpo with { CheckpointPath = Path.Combine(next, "checkpoint.bin") }, stdout, cancellation);
            }

            JsonObject entry = Measure(round, dataRoot, start, next, rewardDir, judge, options.Evaluation, cancellation);
            entry["reward_validation_accuracy"] = ReadMetric(Path.Combine(rewardDir, "metrics.json"), "validation_accuracy");
            entry["dpo_validation_preference_accuracy"] = ReadMetric(Path.Combine(next, "metrics.json"), "validation_preference_accuracy");
            done.Add(entry);
            AtomicFile.WriteAllText(roundsPath, new JsonObject { ["judge"] = judge.Name, ["start"] = Path.GetFullPath(startDir), ["rounds"] = JsonNode.Parse(done.ToJsonString()) }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: win rate against the start {entry["win_rate_vs_start"]} on {entry["evaluation_clips"]} held-out clips ({entry["ties"]} ties); mean reward {entry["mean_reward_start"]} -> {entry["mean_reward_round"]}"));
            current = next;
        }

        stdout.WriteLine($"wrote {Path.GetFullPath(roundsPath)}; the last generator is {Path.GetFullPath(current)}");
        return Program.Success;
    }

    /// <summary>The round's generator against the start on the held-out clips, judged, and both scored by the round's reward model.</summary>
    private static JsonObject Measure(int round, string dataRoot, GeneratorFolderInfo start, string roundGenerator, string rewardDir, IPreferenceJudge judge, EvaluationOptions evaluation, CancellationToken cancellation)
    {
        using var a = new GeneratorPolicy(start.OnnxPath, evaluation.Sampling);
        using var b = new GeneratorPolicy(Path.Combine(roundGenerator, GeneratorFolder.OnnxFile), evaluation.Sampling);
        var clips = new ClipDrawer(dataRoot, a.Cqt, evaluation.ClipSeconds, evaluation.Seed);
        List<ComparisonRow> rows = PolicyEvaluation.Pairs(clips, evaluation.Clips, a, b, evaluation.Seed, judge, cancellation: cancellation);
        EvaluationResult result = PolicyEvaluation.Count(rows);

        using OnnxRewardModel reward = OnnxRewardModel.Load(Path.Combine(rewardDir, "reward.onnx"));
        var recomputed = new ComparisonClips(dataRoot, "the evaluation pairs");
        double startReward = 0, roundReward = 0;
        foreach (ComparisonRow row in rows)
        {
            (float[] cqt, _) = recomputed.Get(row);
            float[] scores = reward.ScoreSamples(cqt, row.AControls.Concat(row.BControls).ToArray(), row.Frames);
            startReward += scores[0];
            roundReward += scores[1];
        }

        return new JsonObject
        {
            ["round"] = round,
            ["generator"] = Path.GetFullPath(roundGenerator),
            ["evaluation_clips"] = result.Clips,
            ["win_rate_vs_start"] = Math.Round(result.WinRateB, 4),
            ["wins"] = result.WinsB,
            ["losses"] = result.WinsA,
            ["ties"] = result.Ties,
            ["mean_reward_start"] = Math.Round(startReward / rows.Count, 4),
            ["mean_reward_round"] = Math.Round(roundReward / rows.Count, 4),
        };
    }

    private static JsonNode? ReadMetric(string metricsPath, string name) =>
        File.Exists(metricsPath) ? JsonNode.Parse(File.ReadAllText(metricsPath))?[name]?.DeepClone() : null;
}
