using CqtMl.Onnx.Models;

namespace CqtMl.Cli.Tests.Commands;

/// <summary><c>cqtml export-serving</c>: a Triton model repository from a folder of ONNX files or from the shipped models.</summary>
public class ExportServingCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-export-serving-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void WritesTheShippedModelsAndTheCqtByDefault()
    {
        string repository = Path.Combine(_dir, "repo");
        var (code, stdout, stderr) = Cli.Run("export-serving", "--out", repository);
        Assert.True(code == 0, stderr);
        Assert.Contains("reward (dynamic batching)", stdout, StringComparison.Ordinal);
        foreach (string name in new[] { "generator", "reward", "cqt" })
        {
            Assert.True(File.Exists(Path.Combine(repository, name, "config.pbtxt")), name);
            Assert.True(File.Exists(Path.Combine(repository, name, "1", "model.onnx")), name);
        }

        Assert.Equal(ShippedModels.Generator, File.ReadAllBytes(Path.Combine(repository, "generator", "1", "model.onnx")));
        Assert.Contains("## reward", File.ReadAllText(Path.Combine(repository, "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void NamesModelsAfterTheirFilesAndReportsAnEmptyOrMissingFolder()
    {
        string models = Directory.CreateDirectory(Path.Combine(_dir, "models")).FullName;
        File.WriteAllBytes(Path.Combine(models, "my reward.onnx"), ShippedModels.Reward);
        string repository = Path.Combine(_dir, "repo");
        var (code, _, stderr) = Cli.Run("export-serving", "--models", models, "--out", repository, "--max-batch-size", "16");
        Assert.True(code == 0, stderr);
        Assert.Contains("max_batch_size: 16", File.ReadAllText(Path.Combine(repository, "my_reward", "config.pbtxt")), StringComparison.Ordinal);

        (code, _, stderr) = Cli.Run("export-serving", "--models", Path.Combine(_dir, "none"), "--out", repository);
        Assert.Equal(1, code);
        Assert.Contains("no such folder", stderr, StringComparison.Ordinal);
        (code, _, stderr) = Cli.Run("export-serving", "--models", _dir, "--out", repository);
        Assert.Equal(1, code);
        Assert.Contains("no .onnx files", stderr, StringComparison.Ordinal);
    }
}
