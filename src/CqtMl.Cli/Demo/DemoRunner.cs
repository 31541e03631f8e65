using System.Globalization;
using System.Text.Json.Nodes;
using CqtMl.Onnx.Generation;
using CqtMl.Onnx.Models;
using CqtMl.Onnx.Reward;
using CqtMl.Preferences.Scoring;
using static CqtMl.Cli.Demo.DemoReport;

namespace CqtMl.Cli.Demo;

/// <summary>
/// <c>cqtml demo</c>: the whole chain on built-in data (or <c>--data</c>) with the shipped models (or, with
/// <c>--train</c>, models trained from scratch, compared with the shipped ones), into a report folder.
/// </summary>
internal static class DemoRunner
{
    /// <summary>Runs the demo and prints a summary.</summary>
    public static int Run(DemoOptions options, TextWriter stdout, TextWriter progress, CancellationToken cancellation)
    {
        string folder = Directory.CreateDirectory(Path.GetFullPath(options.OutDir)).FullName;
        var console = new DemoConsole(stdout, progress, 1 + (options.Train ? DemoTraining.Steps : 0) + DemoChain.Steps);
        var report = new DemoReport();
        string root = options.DataRoot is null ? Path.Combine(folder, "data") : Path.GetFullPath(options.DataRoot);
        if (options.DataRoot is null)
        {
            console.Step("built-in data: synthesized, labelled music in the MusicNet layout", () => DemoData.WriteBuiltIn(root), files => $"{files.Count} pieces of {DemoOptions.DefaultPieceSeconds:0} s ({DemoOptions.DefaultTrainPieces} train, {DemoOptions.DefaultTestPieces} test) with their notes -> {root}");
        }
        else
        {
            console.Step("data", () => DemoData.ShowcaseFiles(root, int.MaxValue).Count, n => $"{n} {(DemoData.HasMusicNetLabels(root) ? "labelled recordings (MusicNet layout)" : "audio files")} in {root}");
        }

        report.Metrics["data"] = new JsonObject { ["root"] = root, ["built_in"] = options.DataRoot is null, ["labelled"] = DemoData.HasMusicNetLabels(root) };
        string generatorPath = Path.Combine(folder, ShippedModels.GeneratorFile), rewardPath = Path.Combine(folder, ShippedModels.RewardFile);
        if (options.Train)
        {
            (string generator, string reward) = DemoTraining.Run(options, root, folder, console, report, progress, cancellation);
            File.Copy(generator, generatorPath, overwrite: true);
            File.Copy(reward, rewardPath, overwrite: true);
        }
        else
        {
            ShippedModels.WriteTo(ShippedModels.GeneratorFile, generatorPath);
            ShippedModels.WriteTo(ShippedModels.RewardFile, rewardPath);
        }

        report.Metrics["models"] = options.Train ? "trained from scratch (train/)" : "shipped (models/ of the repository)";
        new DemoChain(options, root, folder, generatorPath, rewardPath, console, report).Run();
        if (options.Train)
        {
            CompareWithShipped(root, folder, report);
        }

        report.Metrics["seconds"] = Math.Round(console.ElapsedSeconds, 1);
        report.Write(folder, "cqtml demo", $"The whole chain on {(options.DataRoot is null ? "built-in synthesized, labelled music" : $"`{root}`")} with {(options.Train ? "a generator and a reward model trained from scratch" : "the shipped generator and reward model")}: audio -> CQT -> controls -> comparison pairs -> the `{options.Judge}` judge -> reward scores -> best-of-N, and the same chain as an ML.NET model. Figures: `metrics.json`.");
        Summary(console, report, folder);
        return Program.Success;
    }

    /// <summary>How close the trained models came to the shipped ones, on the same recordings and pairs.</summary>
    private static void CompareWithShipped(string root, string folder, DemoReport report)
    {
        var shipped = new JsonObject();
        if (DemoData.HasMusicNetLabels(root))
        {
            using var generator = OnnxControlGenerator.LoadOrShipped(null);
            shipped["register_f1"] = DemoChain.RegisterF1(root, generator).F1;
        }

        string scored = Path.Combine(folder, "train", "pairs-scored-by-shipped-reward.parquet");
        using (var reward = OnnxRewardModel.LoadOrShipped(null))
        {
            shipped["reward_accuracy"] = DatasetScoring.Score(Path.Combine(folder, "pairs-labelled.parquet"), root, reward, scored).Accuracy;
        }

        report.Metrics["shipped"] = shipped;
        double? trainedF1 = (double?)report.Metrics["register_f1"]?["f1"], shippedF1 = (double?)shipped["register_f1"];
        double? trainedAccuracy = (double?)report.Metrics["reward"]?["accuracy"], shippedAccuracy = (double?)shipped["reward_accuracy"];
        report.Add("Against the shipped models", null, $"On the same recordings and pairs: register F1 {Format(trainedF1)} (trained here) against {Format(shippedF1)} (shipped); reward pairwise accuracy {Format(trainedAccuracy, "P1")} against {Format(shippedAccuracy, "P1")}. The shipped models were trained longer, on real recordings too (their model cards in `models/`).");
    }

    private static void Summary(DemoConsole console, DemoReport report, string folder)
    {
        JsonObject m = report.Metrics;
        console.Line(string.Create(CultureInfo.InvariantCulture, $"Done in {console.ElapsedSeconds:F0} s. Models: {m["models"]}."));
        if (m["register_f1"] is JsonObject f1)
        {
            console.Line($"  register F1 {Format((double?)f1["f1"])} (best constant {Format((double?)f1["best_constant_f1"])})");
        }

        console.Line($"  reward model vs {m["pairs"]?["judge"]} judge: {Format((double?)m["reward"]?["accuracy"], "P1")} of strict pairs; best-of-{m["best_of_n"]?["n"]} wins {Format((double?)m["best_of_n"]?["win_rate"], "P1")} against one sample");
        if (m["shipped"] is JsonObject shipped)
        {
            console.Line($"  shipped models on the same data: register F1 {Format((double?)shipped["register_f1"])}, reward accuracy {Format((double?)shipped["reward_accuracy"], "P1")}");
        }

        console.Line($"Report: {Path.Combine(folder, "report.md")} (pictures, metrics.json, model.zip, generator.onnx, reward.onnx)");
    }

    private static string Format(double? value, string format = "F3") => value is double v ? Number(v, format) : "n/a";
}
