using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CqtMl.Preferences.Comparisons;
using Microsoft.ML;

namespace CqtMl.Cli.Tests.Commands;

/// <summary><c>cqtml demo</c> with the shipped models on the built-in data: every step's output, and figures that say the chain works.</summary>
public class DemoCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-demo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void DemoRunsTheWholeChainIntoAReportFolder()
    {
        string folder = Path.Combine(_dir, "demo");
        var (code, stdout, err) = Cli.Run("demo", "--out", folder);
        Assert.True(code == 0, err);
        Assert.Contains(Path.Combine(folder, "report.md"), stdout);

        // The CQT of a built-in 12 s piece and the controls of it: deterministic + 3 temperatures, 16 levels in [0, 1].
        var (shape, cqt) = Cli.ReadNpy(Path.Combine(folder, "demo-cqt.npy"));
        Assert.Equal(new long[] { 2, 84, 1 + (12 * 22050 / 64) }, shape);
        Assert.True(cqt.Max() > 0.1);
        var (controlsShape, controls) = Cli.ReadNpy(Path.Combine(folder, "controls.npy"));
        Assert.Equal(new long[] { 4, 4, shape[2] }, controlsShape);
        Assert.All(controls, c => Assert.Equal(0, (c * 15) - MathF.Round(c * 15), 4));

        // Every picture the report shows exists; every step left its file.
        string report = File.ReadAllText(Path.Combine(folder, "report.md"));
        string[] pictures = Regex.Matches(report, @"!\[[^\]]*\]\(([^)]+)\)").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(new[] { "demo-cqt.png", "controls-over-cqt.png", "samples-by-temperature.png", "reward-distribution.png" }, pictures);
        Assert.All(pictures, p => Assert.True(new FileInfo(Path.Combine(folder, p)).Length > 10_000, p));
        foreach (string file in new[] { "generator.onnx", "reward.onnx", "model.zip", "pairs.parquet", "pairs-labelled.parquet", "pairs-scored.parquet", "metrics.json" })
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        }

        // The figures: the generator beats the best constant predictor on unseen labelled music, the reward model agrees
        // with the judge more often than chance, best-of-N beats one sample, every pair is labelled and scored.
        JsonNode metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")))!;
        Assert.True((double)metrics["register_f1"]!["f1"]! > (double)metrics["register_f1"]!["best_constant_f1"]!, metrics["register_f1"]!.ToJsonString());
        Assert.True((double)metrics["reward"]!["accuracy"]! > 0.6, metrics["reward"]!.ToJsonString());
        Assert.True((double)metrics["best_of_n"]!["win_rate"]! > 0.5, metrics["best_of_n"]!.ToJsonString());
        List<ScoredComparisonRow> scored = ComparisonFile.ReadScored(Path.Combine(folder, "pairs-scored.parquet"));
        Assert.Equal((long)metrics["pairs"]!["pairs"]!, scored.Count);
        Assert.All(scored, r => Assert.NotNull(r.Label));

        // Higher temperatures change levels more often.
        JsonObject changes = metrics["level_changes_per_second"]!.AsObject();
        Assert.True((double)changes["T 0.7"]! < (double)changes["T 1.3"]!, changes.ToJsonString());

        // The model zip is an ML.NET model that loads.
        var ml = new MLContext();
        ITransformer model = ml.Model.Load(Path.Combine(folder, "model.zip"), out _);
        Assert.NotNull(model);
        ((IDisposable)model).Dispose();
    }
}
