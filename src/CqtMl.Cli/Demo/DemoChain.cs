using System.Text.Json.Nodes;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;
using CqtMl.Audio.IO;
using CqtMl.Cli.Commands;
using CqtMl.Onnx.Generation;
using CqtMl.Onnx.Reward;
using CqtMl.Plots;
using CqtMl.Preferences.Comparisons;
using CqtMl.Preferences.Evaluation;
using CqtMl.Preferences.Judges;
using CqtMl.Preferences.Policies;
using CqtMl.Preferences.Scoring;
using CqtMl.Torch.Training;
using static CqtMl.Cli.Demo.DemoReport;

namespace CqtMl.Cli.Demo;

/// <summary>
/// The demo's chain after the data and the models are in place: CQT, controls (deterministic and stochastic), comparison
/// pairs, the judge's labels, reward scores, best-of-N against plain sampling, and an ML.NET pipeline saved as a model
/// zip. Each step adds its figures and pictures to the report.
/// </summary>
internal sealed class DemoChain(DemoOptions options, string root, string folder, string generatorPath, string rewardPath, DemoConsole console, DemoReport report)
{
    private readonly IPreferenceJudge _judge = PreferenceJudging.Named(options.Judge);

    /// <summary>The number of console steps <see cref="Run"/> takes.</summary>
    public const int Steps = 6;

    /// <summary>Runs every step.</summary>
    public void Run()
    {
        using OnnxControlGenerator generator = OnnxControlGenerator.Load(generatorPath);
        string showcase = DemoData.ShowcaseFiles(root, 1)[0];
        CqtOptions cqt = generator.Info.Cqt;
        (float[] tensor, int frames) = console.Step("CQT of the showcase clip", () => Cqt(showcase, cqt), r => $"[2, {cqt.BinCount}, {r.Frames}] of {Path.GetFileName(showcase)} -> demo-cqt.npy, demo-cqt.png");
        console.Step("controls from the generator (deterministic and stochastic)", () => Controls(generator, showcase, tensor, frames), d => d);
        console.Step($"comparison pairs, labelled by the {_judge.Name} judge", Pairs, d => d);
        console.Step("reward scores of both samples of every pair", Rewards, d => d);
        console.Step($"best-of-{DemoOptions.DefaultBestOf} against plain sampling", BestOfN, d => d);
        console.Step("ML.NET pipeline (audio -> CQT -> controls -> reward), saved as a model zip", () => new DemoPipeline(root, folder, generatorPath, rewardPath).Run(report), d => d);
    }

    private (float[] Tensor, int Frames) Cqt(string path, CqtOptions cqt)
    {
        (float[] tensor, int frames) = AudioCqtStream.ComputeTensor(path, new CqtExtractor(cqt));
        NpyWriter.WriteAll(Path.Combine(folder, "demo-cqt.npy"), tensor, 2, cqt.BinCount, frames);
        CqtHeatmap.SavePng(Path.Combine(folder, "demo-cqt.png"), CqtExtractor.ChannelMean(tensor), cqt.BinCount, frames, cqt.FrameRate, cqt.FMin, cqt.BinsPerOctave, $"{Path.GetFileName(path)}: CQT (mean of both channels)");
        report.Add("The CQT", "demo-cqt.png", $"The constant-Q transform of `{Path.GetFileName(path)}`: {cqt.BinCount} bins, {cqt.BinsPerOctave} per octave from C1 (rows), {DemoReport.Number(cqt.FrameRate, "F1")} frames per second (columns), in dB below the loudest bin; the tensor is `demo-cqt.npy` ([2, bins, frames], one magnitude plane per stereo channel).");
        report.Metrics["showcase"] = new JsonObject { ["file"] = Path.GetRelativePath(root, path).Replace('\\', '/'), ["frames"] = frames, ["seconds"] = frames / cqt.FrameRate };
        return (tensor, frames);
    }

    private string Controls(OnnxControlGenerator generator, string path, float[] tensor, int frames)
    {
        CqtOptions cqt = generator.Info.Cqt;
        float[] deterministic = generator.Generate(tensor, 1, frames, new GenerationOptions());
        var samples = new List<(string Name, float[] Controls)> { ("deterministic", deterministic) };
        var changes = new JsonObject { ["deterministic"] = ControlChanges.PerSecond(deterministic, frames, cqt.FrameRate) };
        foreach (double temperature in DemoOptions.Temperatures)
        {
            var sampling = new GenerationOptions { Mode = GenerationMode.Stochastic, Temperature = temperature, Seed = options.Seed };
            float[] sample = generator.Generate(tensor, 1, frames, sampling);
            string name = $"T {Number(temperature, "0.0")}";
            samples.Add((name, sample));
            changes[name] = ControlChanges.PerSecond(sample, frames, cqt.FrameRate);
        }

        NpyWriter.WriteAll(Path.Combine(folder, "controls.npy"), samples.SelectMany(s => s.Controls).ToArray(), samples.Count, 4, frames);
        ControlsOverCqt.SavePng(Path.Combine(folder, "controls-over-cqt.png"), CqtExtractor.ChannelMean(tensor), deterministic, cqt.BinCount, frames, cqt.FrameRate, cqt.FMin, cqt.BinsPerOctave, $"{Path.GetFileName(path)}: deterministic controls over the CQT");
        SampleStrips.SavePng(Path.Combine(folder, "samples-by-temperature.png"), samples, frames, cqt.FrameRate, $"{Path.GetFileName(path)}: deterministic controls and stochastic samples (seed {options.Seed}, coherence {Number(GenerationOptions.DefaultCoherence, "0.###")} s)");
        report.Add("Controls over the CQT", "controls-over-cqt.png", "The generator's four controls are one level (0 to 1, 16 steps) per pitch register — below C3, C3-B3, C4-B4, C5 and above — in every CQT frame; each curve is drawn inside its register's band of bins (0 at the band's bottom, 1 at its top), here the deterministic (most likely) level of each frame.");
        report.Add("Samples at several temperatures", "samples-by-temperature.png", $"The deterministic controls and one stochastic sample at each temperature ({string.Join(", ", DemoOptions.Temperatures.Select(t => Number(t, "0.0")))}), four rows each (registers 0-3, bottom to top): higher temperatures spread the levels and change them more often (level changes per second in `metrics.json`).");
        report.Metrics["level_changes_per_second"] = changes;

        string summary = $"{samples.Count} samples -> controls.npy; level changes per second: {string.Join(", ", changes.Select(c => $"{c.Key} {Number((double)c.Value!, "F1")}"))}";
        if (DemoData.HasMusicNetLabels(root))
        {
            (double f1, double constant, int recordings) = RegisterF1(root, generator);
            report.Metrics["register_f1"] = new JsonObject { ["f1"] = f1, ["best_constant_f1"] = constant, ["recordings"] = recordings, ["split"] = DemoData.EvaluationSplit(root).ToString().ToLowerInvariant() };
            summary += $"; register F1 {Number(f1)} on {recordings} labelled recordings (best constant predictor {Number(constant)})";
        }

        return summary;
    }

    /// <summary>The register F1 of a generator's deterministic controls on the root's labelled evaluation split, and the best constant predictor's.</summary>
    public static (double F1, double Constant, int Recordings) RegisterF1(string root, OnnxControlGenerator generator)
    {
        var extractor = new CqtExtractor(generator.Info.Cqt);
        List<TrainingExample> examples = GeneratorData.Load(root, DemoData.EvaluationSplit(root), extractor);
        var predicted = new List<float>();
        var targets = new List<float>();
        foreach (TrainingExample example in examples)
        {
            predicted.AddRange(generator.Generate(example.Cqt, 1, example.Frames, new GenerationOptions()));
            targets.AddRange(example.Targets);
        }

        return (RegisterMetrics.F1(predicted.ToArray(), targets.ToArray()), GeneratorData.BestConstantF1(examples), examples.Count);
    }

    private string Pairs()
    {
        string pairs = Path.Combine(folder, "pairs.parquet"), labelled = Path.Combine(folder, "pairs-labelled.parquet");
        var comparison = new ComparisonDatasetOptions { Clips = DemoOptions.DefaultClips, ClipSeconds = DemoOptions.DefaultClipSeconds, PairsPerClip = DemoOptions.DefaultPairsPerClip, Seed = options.Seed };
        long rows;
        using (var generator = new ComparisonDatasetGenerator(root, generatorPath, comparison))
        {
            rows = generator.Generate(pairs);
        }

        IReadOnlyDictionary<PreferenceLabel, long> labels = DatasetJudging.Judge(pairs, root, _judge, labelled);
        long Count(PreferenceLabel label) => labels.TryGetValue(label, out long n) ? n : 0;
        report.Metrics["pairs"] = new JsonObject { ["pairs"] = rows, ["clips"] = comparison.Clips, ["clip_seconds"] = comparison.ClipSeconds, ["judge"] = _judge.Name, ["a"] = Count(PreferenceLabel.A), ["b"] = Count(PreferenceLabel.B), ["tie"] = Count(PreferenceLabel.Tie) };
        report.Add("Comparison pairs and the judge", null, $"{rows} pairs of two stochastic samples of the same {Number(comparison.ClipSeconds, "0.#")} s clip ({comparison.Clips} clips, temperatures {string.Join(", ", comparison.Temperatures.Select(t => Number(t, "0.0")))}) are in `pairs.parquet`; the `{_judge.Name}` judge, which prefers {_judge.Description}, labelled them in `pairs-labelled.parquet`: A {Count(PreferenceLabel.A)}, B {Count(PreferenceLabel.B)}, tie {Count(PreferenceLabel.Tie)}.");
        return $"{rows} pairs -> pairs.parquet; {_judge.Name} judge: A {Count(PreferenceLabel.A)}, B {Count(PreferenceLabel.B)}, tie {Count(PreferenceLabel.Tie)} -> pairs-labelled.parquet";
    }

    private string Rewards()
    {
        string labelled = Path.Combine(folder, "pairs-labelled.parquet"), scored = Path.Combine(folder, "pairs-scored.parquet");
        ScoreSummary summary;
        using (OnnxRewardModel reward = OnnxRewardModel.Load(rewardPath))
        {
            summary = DatasetScoring.Score(labelled, root, reward, scored);
        }

        List<ScoredComparisonRow> rows = ComparisonFile.ReadScored(scored);
        var preferred = new List<double>();
        var other = new List<double>();
        foreach (ScoredComparisonRow row in rows)
        {
            PreferenceLabel? label = row.ParsedLabel();
            if (label == PreferenceLabel.A || label == PreferenceLabel.B)
            {
                preferred.Add(label == PreferenceLabel.A ? row.RewardA : row.RewardB);
                other.Add(label == PreferenceLabel.A ? row.RewardB : row.RewardA);
            }
        }

        RewardHistogram.SavePng(Path.Combine(folder, "reward-distribution.png"), new[] { ($"samples the {_judge.Name} judge preferred", preferred.ToArray()), ("the other sample of each pair", other.ToArray()) }, $"reward model scores of {rows.Count} pairs");
        report.Metrics["reward"] = new JsonObject { ["pairs"] = summary.Pairs, ["strict_pairs"] = summary.Labelled, ["accuracy"] = summary.Accuracy };
        report.Add("Reward scores", "reward-distribution.png", $"The reward model scored both samples of every pair (`pairs-scored.parquet`); it ranks the judge's preferred sample higher in {Number(summary.Accuracy ?? double.NaN, "P1")} of {summary.Labelled} strict pairs, so the two histograms are shifted against each other.");
        return $"pairwise accuracy against the judge {Number(summary.Accuracy ?? double.NaN, "P1")} on {summary.Labelled} strict pairs -> pairs-scored.parquet, reward-distribution.png";
    }

    private string BestOfN()
    {
        var evaluation = new EvaluationOptions { Clips = DemoOptions.DefaultEvaluationClips, ClipSeconds = DemoOptions.DefaultClipSeconds, Seed = options.Seed + EvaluationOptions.DefaultSeed };
        using var plain = new GeneratorPolicy(generatorPath, evaluation.Sampling);
        using var best = new GeneratorPolicy(generatorPath, evaluation.Sampling, rewardPath, DemoOptions.DefaultBestOf);
        var clips = new ClipDrawer(root, plain.Cqt, evaluation.ClipSeconds, evaluation.Seed);
        List<ComparisonRow> rows = PolicyEvaluation.Pairs(clips, evaluation.Clips, plain, best, evaluation.Seed, _judge);
        EvaluationResult result = PolicyEvaluation.Count(rows);
        report.Metrics["best_of_n"] = new JsonObject { ["n"] = DemoOptions.DefaultBestOf, ["clips"] = result.Clips, ["win_rate"] = result.WinRateB, ["ties"] = result.Ties, ["judge"] = _judge.Name };
        report.Add($"Best-of-{DemoOptions.DefaultBestOf}", null, $"On {result.Clips} fresh clips, the best of {DemoOptions.DefaultBestOf} samples by the reward model beat one plain sample (same temperature {Number(evaluation.Temperature, "0.0")}) in {Number(result.WinRateB, "P1")} of the {_judge.Name} judge's verdicts (ties count half; 50 % would mean the reward model does not help).");
        return $"win rate {Number(result.WinRateB, "P1")} on {result.Clips} clips ({_judge.Name} judge; 50 % = no better than one sample)";
    }
}
