using CqtMl.MLNet.DataSources;
using CqtMl.Onnx.Models;

namespace CqtMl.Cli.Tests;

/// <summary><c>--quiet</c>: every command takes it; progress lines go, results and errors stay.</summary>
public sealed class QuietTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-quiet-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void QuietKeepsTheResultLineAndDropsTheProgressLines()
    {
        string data = Path.Combine(_dir, "data"), generator = Path.Combine(_dir, "generator.onnx");
        SyntheticMusicNet.Write(data, trainPieces: 2, testPieces: 0, seconds: 2);
        ShippedModels.WriteTo(ShippedModels.GeneratorFile, generator);
        string[] args = { "compare", "--data", data, "--model", generator, "--clips", "3", "--clip-seconds", "1", "--pairs-per-clip", "1" };

        var (code, loud, err) = Cli.Run(args.Concat(new[] { "--out", Path.Combine(_dir, "a.parquet") }).ToArray());
        Assert.True(code == 0, err);
        Assert.Contains("clip 3/3", loud, StringComparison.Ordinal);

        (code, string quiet, err) = Cli.Run(args.Concat(new[] { "--out", Path.Combine(_dir, "b.parquet"), "--quiet" }).ToArray());
        Assert.True(code == 0, err);
        string line = Assert.Single(quiet.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("cqtml compare: 3 pairs", line, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "a.parquet")), File.ReadAllBytes(Path.Combine(_dir, "b.parquet")));

        (code, _, err) = Cli.Run("generate", Path.Combine(_dir, "missing.wav"), "--out", Path.Combine(_dir, "c.npy"), "--quiet");
        Assert.Equal(1, code);
        Assert.Contains("missing.wav", err, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HelpTests.Commands), MemberType = typeof(HelpTests))]
    public void EveryCommandTakesQuietAndVerbose(string[] command)
    {
        var (code, stdout, err) = Cli.Run(command.Concat(new[] { "--quiet", "--verbose", "--help" }).ToArray());
        Assert.True(code == 0, err);
        Assert.Contains("--quiet", stdout, StringComparison.Ordinal);
        Assert.Contains("--verbose", stdout, StringComparison.Ordinal);
    }
}
