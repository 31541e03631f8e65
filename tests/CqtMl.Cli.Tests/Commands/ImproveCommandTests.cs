using System.Text.Json;
using CqtMl.Torch.Export;

namespace CqtMl.Cli.Tests.Commands;

/// <summary><c>cqtml improve</c>: rounds on synthetic music with a random generator; rounds.json; resume at the step it stopped in.</summary>
public class ImproveCommandTests : IDisposable
{
    private readonly PreferenceData _data = new();

    public void Dispose() => _data.Dispose();

    private (int Code, string Stdout, string Stderr) Improve(string output, int rounds) =>
        Cli.Run("improve", "--data", _data.Data, "--generator", _data.GeneratorDir, "--judge", "smoothness", "--out", output, "--rounds", rounds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--clips", "3", "--pairs-per-clip", "2", "--clip-seconds", "1", "--reward-epochs", "1", "--dpo-epochs", "1", "--eval-clips", "3", "--seed", "4");

    private static JsonElement[] Rounds(string output)
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "rounds.json")));
        Assert.Equal("smoothness", json.RootElement.GetProperty("judge").GetString());
        return json.RootElement.GetProperty("rounds").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    [Fact]
    public void RoundsKeepTheirModelsAndAnInterruptedRunResumesInTheRoundItStoppedIn()
    {
        string output = _data.PathOf("improve");
        var (code, stdout, err) = Improve(output, 1);
        Assert.True(code == 0, err);
        Assert.Contains("round 1: win rate against the start", stdout);
        JsonElement first = Assert.Single(Rounds(output));
        Assert.Equal(3, first.GetProperty("evaluation_clips").GetInt32());
        Assert.InRange(first.GetProperty("win_rate_vs_start").GetDouble(), 0, 1);
        foreach (string file in new[] { "pairs.parquet", "labelled.parquet", "reward/reward.onnx", "reward/metrics.json", "generator/" + GeneratorFolder.OnnxFile, "generator/" + GeneratorFolder.WeightsFile, "generator/metrics.json" })
        {
            Assert.True(File.Exists(Path.Combine(output, "round-1", file)), file);
        }

        // More rounds later: round 1 is kept as it is, round 2 starts from its generator.
        byte[] round1 = File.ReadAllBytes(Path.Combine(output, "round-1", "generator", GeneratorFolder.WeightsFile));
        (code, _, err) = Improve(output, 2);
        Assert.True(code == 0, err);
        Assert.Equal(2, Rounds(output).Length);
        Assert.Equal(round1, File.ReadAllBytes(Path.Combine(output, "round-1", "generator", GeneratorFolder.WeightsFile)));
        Assert.Equal(first.GetProperty("win_rate_vs_start").GetDouble(), Rounds(output)[0].GetProperty("win_rate_vs_start").GetDouble());
        Assert.True(File.Exists(Path.Combine(output, "round-2", "reward", "metrics.json")));
        using (JsonDocument metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "round-2", "reward", "metrics.json"))))
        {
            Assert.EndsWith(Path.Combine("round-1", "reward", "reward.safetensors"), metrics.RootElement.GetProperty("init_reward").GetString());
        }

        // Interrupted in round 2 after its pairs and reward model: the rerun keeps them and ends where the whole run did.
        byte[] pairs = File.ReadAllBytes(Path.Combine(output, "round-2", "pairs.parquet"));
        byte[] round2 = File.ReadAllBytes(Path.Combine(output, "round-2", "generator", GeneratorFolder.WeightsFile));
        string rounds = File.ReadAllText(Path.Combine(output, "rounds.json"));
        Directory.Delete(Path.Combine(output, "round-2", "generator"), recursive: true);
        using (JsonDocument json = JsonDocument.Parse(rounds))
        {
            string firstOnly = $"{{\"judge\": \"smoothness\", \"rounds\": [{json.RootElement.GetProperty("rounds")[0].GetRawText()}]}}";
            File.WriteAllText(Path.Combine(output, "rounds.json"), firstOnly);
        }

        (code, _, err) = Improve(output, 2);
        Assert.True(code == 0, err);
        Assert.Equal(pairs, File.ReadAllBytes(Path.Combine(output, "round-2", "pairs.parquet")));
        Assert.Equal(round2, File.ReadAllBytes(Path.Combine(output, "round-2", "generator", GeneratorFolder.WeightsFile)));
        Assert.Equal(2, Rounds(output).Length);
    }

    [Fact]
    public void BadOptionsNameTheFlag()
    {
        var (code, _, err) = Cli.Run("improve", "--data", _data.Data, "--generator", _data.GeneratorDir, "--judge", "smoothness", "--out", _data.PathOf("x"), "--rounds", "0");
        Assert.Equal(2, code);
        Assert.Contains("--rounds", err);
        (code, _, err) = Cli.Run("improve", "--data", _data.Data, "--generator", _data.GeneratorDir, "--judge", "smoothness", "--out", _data.PathOf("x"), "--beta", "-1");
        Assert.Equal(2, code);
        Assert.Contains("--beta", err);
        (code, _, err) = Cli.Run("improve", "--data", _data.Data, "--generator", _data.GeneratorDir, "--judge", "taste", "--out", _data.PathOf("x"));
        Assert.Equal(2, code);
        Assert.Contains("--judge", err);
    }
}
