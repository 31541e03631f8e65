using System.Text.Json;
using CqtMl.Audio.Cqt;
using CqtMl.Preferences.Comparisons;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using TorchSharp;

namespace CqtMl.Cli.Tests.Commands;

/// <summary><c>cqtml evaluate</c>: invariants of the win rate, labels from elsewhere, best-of-N, and usage errors.</summary>
public class EvaluateCommandTests : IDisposable
{
    private readonly PreferenceData _data = new();

    public void Dispose() => _data.Dispose();

    private static (int Clips, double WinRateB, int Ties) Parse(string stdout)
    {
        using JsonDocument json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        JsonElement r = json.RootElement;
        return (r.GetProperty("clips").GetInt32(), r.GetProperty("win_rate_b").GetDouble(), r.GetProperty("ties").GetInt32());
    }

    /// <summary>A second random generator, other weights, same CQT.</summary>
    private string OtherGenerator()
    {
        torch.manual_seed(17);
        using var model = new CqtVisionTransformer(GeneratorConfig.Demo with { Depth = 1 });
        string dir = _data.PathOf("other");
        GeneratorFolder.Write(dir, model, new CqtOptions(), "demo");
        return Path.Combine(dir, GeneratorFolder.OnnxFile);
    }

    [Fact]
    public void APolicyAgainstItselfTiesEverywhereAndSwappingSidesMirrorsTheWinRate()
    {
        var (code, stdout, err) = Cli.Run("evaluate", "--data", _data.Data, "--judge", "smoothness", "--a", _data.Generator, "--b", _data.Generator, "--clips", "4", "--clip-seconds", "1", "--seed", "3");
        Assert.True(code == 0, err);
        Assert.Equal((4, 0.5, 4), Parse(stdout)); // same model, same seed per clip: the same samples
        Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // one JSON line; progress goes to stderr
        Assert.Contains("cqtml evaluate: clip 4/4", err, StringComparison.Ordinal);

        string other = OtherGenerator();
        (code, stdout, err) = Cli.Run("evaluate", "--data", _data.Data, "--judge", "smoothness", "--a", _data.Generator, "--b", other, "--clips", "6", "--clip-seconds", "1", "--seed", "3");
        Assert.True(code == 0, err);
        (int clips, double forward, int ties) = Parse(stdout);
        Assert.Equal(6, clips);
        (code, stdout, err) = Cli.Run("evaluate", "--data", _data.Data, "--judge", "smoothness", "--a", other, "--b", _data.Generator, "--clips", "6", "--clip-seconds", "1", "--seed", "3");
        Assert.True(code == 0, err);
        (_, double backward, int tiesBackward) = Parse(stdout);
        Assert.Equal(1, forward + backward, 12);
        Assert.Equal(ties, tiesBackward);
    }

    [Fact]
    public void PairsWrittenForAJudgeElsewhereAreCountedFromTheirLabels()
    {
        string pairs = _data.PathOf("eval.parquet");
        var (code, stdout, err) = Cli.Run("evaluate", "--data", _data.Data, "--a", _data.Generator, "--b", OtherGenerator(), "--clips", "5", "--clip-seconds", "1", "--out", pairs);
        Assert.True(code == 0, err);
        Assert.Contains("5 unlabelled pairs", stdout);
        List<ComparisonRow> rows = ComparisonFile.ReadAll(pairs);
        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.Null(r.Label));
        Assert.All(rows, r => Assert.Equal(r.ASeed, r.BSeed));

        // An external judge prefers B on three pairs, A on one, and ties one.
        string csv = _data.PathOf("labels.csv");
        string[] labels = { "b", "b", "a", "tie", "b" };
        File.WriteAllLines(csv, new[] { "pair_id,label" }.Concat(rows.Select((r, i) => $"{r.PairId},{labels[i]}")));
        string labelled = _data.PathOf("eval-labelled.parquet");
        (code, _, err) = Cli.Run("label", "import", "--pairs", pairs, "--labels", csv, "--out", labelled, "--judge", "listener");
        Assert.True(code == 0, err);
        (code, stdout, err) = Cli.Run("evaluate", "--labels", labelled);
        Assert.True(code == 0, err);
        Assert.Equal((5, 0.7, 1), Parse(stdout));

        (code, _, err) = Cli.Run("evaluate", "--labels", pairs);
        Assert.Equal(1, code);
        Assert.Contains("no labelled pairs", err);
    }

    [Fact]
    public void BestOfNRunsOnEitherSideAndUsageErrorsNameTheFlag()
    {
        var (code, stdout, err) = Cli.Run("evaluate", "--data", _data.Data, "--judge", "onset", "--a", _data.Generator, "--b", _data.Generator, "--best-of", "3", "--reward", _data.Reward, "--clips", "2", "--clip-seconds", "1");
        Assert.True(code == 0, err);
        Assert.Equal(2, Parse(stdout).Clips);

        (code, _, err) = Cli.Run("evaluate", "--data", _data.Data, "--judge", "onset", "--a", _data.Generator, "--b", _data.Generator, "--best-of-b", "3");
        Assert.Equal(2, code);
        Assert.Contains("--best-of-b", err);
        (code, _, err) = Cli.Run("evaluate", "--data", _data.Data, "--judge", "nobody", "--a", _data.Generator, "--b", _data.Generator);
        Assert.Equal(2, code);
        Assert.Contains("--judge", err);
        (code, _, err) = Cli.Run("evaluate", "--data", _data.Data, "--a", _data.Generator, "--b", _data.Generator);
        Assert.Equal(2, code);
        Assert.Contains("--out", err);
        (code, _, err) = Cli.Run("evaluate", "--data", _data.Data, "--judge", "onset", "--a", _data.Generator, "--b", _data.Generator, "--temperature", "0");
        Assert.Equal(2, code);
        Assert.Contains("--temperature", err);

        // A reward model whose inputs do not match the generator's (another CQT).
        torch.manual_seed(2);
        string otherReward = _data.PathOf("reward-hop128.onnx");
        using (var reward = new CqtMl.Torch.Reward.RewardModel(CqtMl.Torch.Reward.RewardConfig.Demo with { Encoder = GeneratorConfig.Demo with { Depth = 1 }, ControlDepth = 1, CrossDepth = 1 }))
        {
            File.WriteAllBytes(otherReward, RewardOnnxExporter.Export(reward, new CqtOptions { HopLength = 128 }, "demo"));
        }

        (code, _, err) = Cli.Run("evaluate", "--data", _data.Data, "--judge", "onset", "--a", _data.Generator, "--b", _data.Generator, "--best-of-b", "2", "--reward-b", otherReward);
        Assert.Equal(2, code);
        Assert.Contains("another CQT", err);
    }
}
