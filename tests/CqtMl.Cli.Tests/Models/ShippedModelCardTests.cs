using System.Globalization;
using CqtMl.Audio.Cqt;
using CqtMl.Cli.Commands;
using CqtMl.MLNet;
using CqtMl.Onnx.Generation;
using CqtMl.Onnx.Models;
using CqtMl.Onnx.Reward;
using CqtMl.Preferences.Comparisons;
using CqtMl.Tests.Shared;
using CqtMl.Torch.Training;

namespace CqtMl.Cli.Tests.Models;

/// <summary>
/// The shipped models (<c>models/</c>): what the assemblies embed is the repository's files, each is small enough for
/// git, and re-evaluated on the fixtures each gives the figures its model card states.
/// </summary>
public class ShippedModelCardTests : IDisposable
{
    private const long MaxBytes = 5 * 1024 * 1024;
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-cards-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TheEmbeddedModelsAreTheRepositoryFilesAndSmallEnoughForGit()
    {
        Assert.Equal(File.ReadAllBytes(ModelsFile(ShippedModels.GeneratorFile)), ShippedModels.Generator);
        Assert.Equal(File.ReadAllBytes(ModelsFile(ShippedModels.RewardFile)), ShippedModels.Reward);
        Assert.InRange(ShippedModels.Generator.Length, 100_000, MaxBytes);
        Assert.InRange(ShippedModels.Reward.Length, 100_000, MaxBytes);
        using var generator = new OnnxControlGenerator(ShippedModels.Generator, source: ShippedModels.Source);
        using var reward = new OnnxRewardModel(ShippedModels.Reward, source: ShippedModels.Source);
        Assert.True(generator.Info.Cqt.HasSameGrid(reward.Info.Cqt));
        Assert.Equal(Card("generator.md")["size_bytes"], ShippedModels.Generator.Length.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(Card("reward.md")["size_bytes"], ShippedModels.Reward.Length.ToString(CultureInfo.InvariantCulture));
    }

    [SkippableFact]
    public void TheGeneratorGivesTheRegisterF1OnItsCard()
    {
        SharedData.SkipIfMissing();
        Dictionary<string, string> card = Card("generator.md");
        using var generator = new OnnxControlGenerator(ShippedModels.Generator, source: ShippedModels.Source);
        List<TrainingExample> test = GeneratorData.Load(SharedData.Fixture("musicnet"), MusicNetSplit.Test, new CqtExtractor(generator.Info.Cqt));
        float[] predicted = test.SelectMany(e => generator.Generate(e.Cqt, 1, e.Frames, new GenerationOptions())).ToArray();
        float[] targets = test.SelectMany(e => e.Targets).ToArray();
        // Three decimals on the card; another CPU's float reductions may move a few frames' levels, hence 0.002.
        Assert.InRange(RegisterMetrics.F1(predicted, targets) - double.Parse(card["register_f1_test"], CultureInfo.InvariantCulture), -0.002, 0.002);
        Assert.InRange(GeneratorData.BestConstantF1(test) - double.Parse(card["best_constant_f1_test"], CultureInfo.InvariantCulture), -0.0005, 0.0005);
    }

    [SkippableFact]
    public void TheRewardModelGivesTheAccuracyOnItsCardOnFreshClips()
    {
        SharedData.SkipIfMissing();
        Dictionary<string, string> card = Card("reward.md");
        string fixtures = SharedData.Path("fixtures"), pairs = Path.Combine(_dir, "fresh.parquet"), labelled = Path.Combine(_dir, "fresh-labelled.parquet"), scored = Path.Combine(_dir, "fresh-scored.parquet");
        var (code, _, err) = Cli.Run("compare", "--data", fixtures, "--model", ModelsFile(ShippedModels.GeneratorFile), "--out", pairs, "--clips", card["fresh_clips"], "--clip-seconds", "3", "--seed", card["fresh_seed"]);
        Assert.True(code == 0, err);
        (code, _, err) = Cli.Run("judge", "--judge", card["judge"], "--pairs", pairs, "--data", fixtures, "--out", labelled);
        Assert.True(code == 0, err);
        (code, string stdout, err) = Cli.Run("score", "--pairs", labelled, "--data", fixtures, "--out", scored);
        Assert.True(code == 0, err); // no --model: the shipped reward model

        List<ScoredComparisonRow> rows = ComparisonFile.ReadScored(scored);
        var strict = rows.Where(r => r.Label is "a" or "b").ToList();
        double accuracy = strict.Count(r => r.Label == "a" ? r.RewardA > r.RewardB : r.RewardB > r.RewardA) / (double)strict.Count;
        double stated = double.Parse(card["fresh_accuracy"], CultureInfo.InvariantCulture);
        // Within two pairs: another CPU's float reductions may change a sample's level or a near-tie.
        Assert.True(Math.Abs(accuracy - stated) <= (2.0 / strict.Count) + 1e-9, $"fresh accuracy {accuracy:F4} ({strict.Count} strict pairs), card {stated:F4}; {stdout}");
    }

    /// <summary>The key: value lines of a model card's front matter (between the first two '---' lines).</summary>
    private static Dictionary<string, string> Card(string name)
    {
        string[] lines = File.ReadAllLines(ModelsFile(name));
        Assert.Equal("---", lines[0]);
        return lines.Skip(1).TakeWhile(l => l != "---").Where(l => l.Contains(':', StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf(':', StringComparison.Ordinal)].Trim(), l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Split('#')[0].Trim());
    }

    private static string ModelsFile(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "models", name);
            if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "CqtMl.MLNet.sln")))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"models/{name} not found above {AppContext.BaseDirectory}");
    }
}
