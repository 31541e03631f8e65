using System.Globalization;
using CqtMl.Audio.IO;
using CqtMl.MLNet.DataSources;
using CqtMl.Tests.Shared;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CqtMl.Cli.Tests.Commands;

/// <summary>
/// Training at scale and back: <c>cqtml extract</c> -> <c>tools/pytorch/train_ddp.py</c> with two gloo ranks (PyTorch
/// DDP on the CPU) -> <c>cqtml export</c> -> the project's ONNX logits equal PyTorch's.
/// </summary>
public class ExportCommandTests : IDisposable
{
    /// <summary>Two ranks against one process at the same global batch: float summation order only (measured ~1e-7).</summary>
    private const double LossTolerance = 1e-4;

    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableFact]
    public void DistributedTrainingOnTwoRanksMatchesOneProcessAndExportsWithTheProjectsLogits()
    {
        Skip.If(PyTorchTwin.Python is null, PyTorchTwin.MissingReason);
        string data = Path.Combine(_dir, "musicnet"), extracted = Path.Combine(_dir, "extracted"), start = Path.Combine(_dir, "start");
        SyntheticMusicNet.Write(data, trainPieces: 3, testPieces: 1, seconds: 3);
        var (code, _, stderr) = Cli.Run("extract", "--data", data, "--out", extracted, "--quiet");
        Assert.True(code == 0, stderr);
        (code, _, stderr) = Cli.Run("train-generator", "--data", data, "--out", start, "--epochs", "1", "--steps-per-epoch", "1", "--synthetic", "0", "--quiet");
        Assert.True(code == 0, stderr);

        string two = Path.Combine(_dir, "ddp2"), one = Path.Combine(_dir, "ddp1");
        string[] Training(string output, int ranks) => new[]
        {
            "--data", extracted, "--out", output, "--init", Path.Combine(start, "generator.safetensors"), "--nproc", ranks.ToString(CultureInfo.InvariantCulture),
            "--steps", "4", "--global-batch", "4", "--frames", "64", "--dropout", "0", "--seed", "3", "--quiet",
        };
        PyTorchTwin.RunDistributedTraining(Training(two, 2));
        PyTorchTwin.RunDistributedTraining(Training(one, 1));
        double[] lossTwo = Losses(two), lossOne = Losses(one);
        Assert.Equal(4, lossTwo.Length);
        for (int i = 0; i < lossOne.Length; i++)
        {
            Assert.True(Math.Abs(lossTwo[i] - lossOne[i]) <= LossTolerance * Math.Abs(lossOne[i]), $"step {i + 1}: {lossTwo[i]} on 2 ranks, {lossOne[i]} on 1");
        }

        Assert.Contains("\"world_size\": 2", File.ReadAllText(Path.Combine(two, "training.json")), StringComparison.Ordinal);
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(start, "generator.safetensors")), File.ReadAllBytes(Path.Combine(two, "generator.safetensors")));

        // Back into .NET: TorchSharp loads the weights by name, ONNX is exported and parity-checked by the command.
        string onnx = Path.Combine(two, "generator.onnx");
        (code, string stdout, stderr) = Cli.Run("export", "--weights", Path.Combine(two, "generator.safetensors"), "--config", start, "--out", onnx);
        Assert.True(code == 0, stderr);
        Assert.Contains("logits match TorchSharp", stdout, StringComparison.Ordinal);

        // The project's ONNX logits equal PyTorch's own forward pass of the trained weights.
        var random = new Random(5);
        float[] cqt = Enumerable.Range(0, 2 * 84 * 50).Select(_ => (float)random.NextDouble()).ToArray();
        string input = Path.Combine(_dir, "x.npy"), logitsPath = Path.Combine(_dir, "y.npy");
        NpyWriter.WriteAll(input, cqt, 1, 2, 84, 50);
        PyTorchTwin.Run("forward", "--weights", Path.Combine(two, "generator.safetensors"), "--input", input, "--out", logitsPath);
        float[] expected = NpyReader.ReadAll(logitsPath).Values;
        using var session = new InferenceSession(onnx);
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("cqt", new DenseTensor<float>(cqt, new[] { 1, 2, 84, 50 })) });
        float[] actual = results.First(r => r.Name == "logits").AsTensor<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(v => Math.Abs(v));
        double worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second)) / scale;
        Assert.True(worst <= 1e-4, $"ONNX logits differ from PyTorch's by {worst:E2} (relative)");
    }

    [Fact]
    public void WeightsOfAnotherShapeAreRefusedNamingTheFile()
    {
        string weights = Path.Combine(_dir, "bad.safetensors");
        File.WriteAllBytes(weights, new byte[] { 2, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}' });
        var (code, _, stderr) = Cli.Run("export", "--weights", weights, "--out", Path.Combine(_dir, "g.onnx"));
        Assert.Equal(1, code);
        Assert.Contains("bad.safetensors", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "g.onnx")));
    }

    private static double[] Losses(string folder) =>
        File.ReadAllLines(Path.Combine(folder, "loss.tsv")).Skip(1).Select(l => double.Parse(l.Split('\t')[1], CultureInfo.InvariantCulture)).ToArray();
}
