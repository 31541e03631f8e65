using System.Text.Json;
using CqtMl.Audio.Cqt;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using TorchSharp;

namespace CqtMl.Cli.Tests.Commands;

/// <summary><c>cqtml train-dpo</c> end to end on synthetic music and a random generator, and its errors.</summary>
public class DpoCommandTests : IDisposable
{
    private readonly PreferenceData _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>Pairs from the data's generator, labelled by the smoothness judge.</summary>
    private string LabelledPairs()
    {
        string pairs = _data.PathOf("pairs.parquet"), labelled = _data.PathOf("smoothness.parquet");
        var (code, _, err) = Cli.Run("compare", "--data", _data.Data, "--model", _data.Generator, "--out", pairs, "--clips", "4", "--clip-seconds", "1", "--pairs-per-clip", "3", "--seed", "2");
        Assert.True(code == 0, err);
        (code, _, err) = Cli.Run("judge", "--judge", "smoothness", "--pairs", pairs, "--data", _data.Data, "--out", labelled);
        Assert.True(code == 0, err);
        return labelled;
    }

    [Fact]
    public void TrainDpoWritesAGeneratorFolderThatGeneratesAndItsMetrics()
    {
        string labelled = LabelledPairs();
        string output = _data.PathOf("dpo");
        var (code, stdout, err) = Cli.Run("train-dpo", "--generator", _data.GeneratorDir, "--pairs", labelled, "--data", _data.Data, "--out", output, "--epochs", "2", "--steps-per-epoch", "2", "--batch-size", "2", "--beta", "0.2", "--validation-fraction", "0.25", "--seed", "1");
        Assert.True(code == 0, err);
        Assert.Contains("beta 0.2", stdout);
        Assert.Contains("preference accuracy", stdout);
        foreach (string file in new[] { GeneratorFolder.OnnxFile, GeneratorFolder.Int8File, GeneratorFolder.WeightsFile, "checkpoint.bin", "metrics.json", "training-curve.png" })
        {
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        }

        using JsonDocument metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        Assert.Equal(0.2, metrics.RootElement.GetProperty("beta").GetDouble());
        JsonElement[] history = metrics.RootElement.GetProperty("history").EnumerateArray().ToArray();
        Assert.Equal(2, history.Length);
        Assert.All(history, h => Assert.InRange(h.GetProperty("validation_preference_accuracy").GetDouble(), 0, 1));
        Assert.All(history, h => Assert.True(h.GetProperty("loss").GetDouble() > 0));

        // The output folder is a generator folder: it generates, and it can start another DPO run.
        string npy = _data.PathOf("controls.npy");
        (code, _, err) = Cli.Run("generate", Path.Combine(_data.Data, "pieces", "piece0.wav"), "--model", Path.Combine(output, GeneratorFolder.OnnxFile), "--out", npy);
        Assert.True(code == 0, err);
        GeneratorFolderInfo info = GeneratorFolder.Read(output);
        Assert.Equal(GeneratorFolder.Read(_data.GeneratorDir).Config, info.Config);
        Assert.Equal(new CqtOptions(), info.Cqt);

        // The weights moved away from the start, and --resume on the finished run changes nothing.
        byte[] tuned = File.ReadAllBytes(Path.Combine(output, GeneratorFolder.WeightsFile));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(_data.GeneratorDir, GeneratorFolder.WeightsFile)), tuned);
        (code, _, err) = Cli.Run("train-dpo", "--generator", _data.GeneratorDir, "--pairs", labelled, "--data", _data.Data, "--out", output, "--epochs", "2", "--steps-per-epoch", "2", "--batch-size", "2", "--beta", "0.2", "--validation-fraction", "0.25", "--seed", "1", "--resume");
        Assert.True(code == 0, err);
        Assert.Equal(tuned, File.ReadAllBytes(Path.Combine(output, GeneratorFolder.WeightsFile)));
    }

    [Fact]
    public void BadInputIsAClearError()
    {
        string labelled = LabelledPairs();
        string pairs = _data.PathOf("pairs.parquet");

        // Unlabelled pairs.
        var (code, _, err) = Cli.Run("train-dpo", "--generator", _data.GeneratorDir, "--pairs", pairs, "--data", _data.Data, "--out", _data.PathOf("o1"));
        Assert.Equal(1, code);
        Assert.Contains("no labelled pairs", err);

        // A generator that reads another CQT than the pairs were made with.
        string other = _data.PathOf("other-generator");
        torch.manual_seed(1);
        using (var model = new CqtVisionTransformer(GeneratorConfig.Demo with { Depth = 1 }))
        {
            GeneratorFolder.Write(other, model, new CqtOptions { HopLength = 128 }, "demo");
        }

        (code, _, err) = Cli.Run("train-dpo", "--generator", other, "--pairs", labelled, "--data", _data.Data, "--out", _data.PathOf("o2"));
        Assert.Equal(1, code);
        Assert.Contains("another CQT", err);

        // Not a generator folder; a bad beta.
        (code, _, err) = Cli.Run("train-dpo", "--generator", _data.Data, "--pairs", labelled, "--data", _data.Data, "--out", _data.PathOf("o3"));
        Assert.Equal(1, code);
        Assert.Contains(GeneratorFolder.OnnxFile, err);
        (code, _, err) = Cli.Run("train-dpo", "--generator", _data.GeneratorDir, "--pairs", labelled, "--data", _data.Data, "--out", _data.PathOf("o4"), "--beta", "0");
        Assert.Equal(2, code);
        Assert.Contains("--beta", err);
        Assert.False(Directory.Exists(_data.PathOf("o4")));
    }
}
