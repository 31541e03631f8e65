using CqtMl.Audio.IO;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using CqtMl.Tests.Shared;
using TorchSharp;

namespace CqtMl.Torch.Tests.Export;

/// <summary>
/// PyTorch itself (tools/pytorch/cqt_vit.py) loads the generator's safetensors by name and computes the same logits as
/// TorchSharp. Needs a Python with torch and numpy (Debian: apt-get install python3-torch; .ci/run installs it), else skips.
/// </summary>
public class PyTorchTwinTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-pytorch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableTheory]
    [InlineData(2, 37, "sliced")]
    [InlineData(1, 1, "sliced")]
    [InlineData(1, 45, "interpolated")]
    [InlineData(2, 37, "baseline")]
    public void PyTorchLoadsTheWeightsByNameAndComputesTheSameLogits(int batch, int frames, string positions)
    {
        Skip.If(PyTorchTwin.Python is null, PyTorchTwin.MissingReason);
        torch.manual_seed(5);
        var config = positions switch
        {
            "interpolated" => GeneratorConfig.Demo with { Depth = 2, Positions = GeneratorPositions.Interpolated, MaxTimeTokens = 64 },
            "baseline" => GeneratorConfig.Baseline with { Depth = 2 }, // no attention: the twin sees it from the weights
            _ => GeneratorConfig.Demo with { Depth = 2 },
        };
        using var model = new CqtVisionTransformer(config);
        model.eval();
        string weights = Path.Combine(_dir, "generator.safetensors");
        GeneratorWeights.SaveSafetensors(model, weights);

        var random = new Random(3);
        float[] input = Enumerable.Range(0, batch * 2 * 84 * frames).Select(_ => (float)random.NextDouble()).ToArray();
        string inputPath = Path.Combine(_dir, "x.npy"), outputPath = Path.Combine(_dir, "logits.npy");
        NpyWriter.WriteAll(inputPath, input, batch, 2, 84, frames);
        PyTorchTwin.Run("forward", "--weights", weights, "--input", inputPath, "--out", outputPath, "--positions", positions == "interpolated" ? "interpolated" : "sliced");

        var (shape, pytorch) = NpyReader.ReadAll(outputPath);
        Assert.Equal(new long[] { batch, 4, 16, frames }, shape);
        using var x = torch.tensor(input, batch, 2, 84, frames);
        using var noGrad = torch.no_grad();
        using var logits = model.forward(x);
        double difference = Metrics.MaxRelativeDifference(pytorch, logits.data<float>().ToArray());
        Assert.True(difference <= 1e-5, $"max relative difference {difference:E2}");
    }

    [SkippableFact]
    public void PyTorchsOnnxExportOfTheWeightsMatchesTorchSharpForAnyBatchAndLength()
    {
        // The graph the benchmarks compare the project's export with: torch.onnx.export with dynamic batch and frames.
        Skip.If(PyTorchTwin.Python is null, PyTorchTwin.MissingReason);
        torch.manual_seed(6);
        using var model = new CqtVisionTransformer(GeneratorConfig.Demo with { Depth = 2 });
        model.eval();
        string weights = Path.Combine(_dir, "generator.safetensors"), graph = Path.Combine(_dir, "pytorch.onnx");
        GeneratorWeights.SaveSafetensors(model, weights);
        PyTorchTwin.Run("export", "--weights", weights, "--out", graph);

        using var session = new InferenceSession(graph);
        foreach (var (batch, frames) in new[] { (1, 1), (2, 7), (3, 345) })
        {
            using var x = torch.rand(batch, 2, 84, frames);
            float[] input = x.data<float>().ToArray();
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("cqt", new DenseTensor<float>(input, new[] { batch, 2, 84, frames })) });
            var logits = results.First().AsTensor<float>();
            Assert.Equal(new[] { batch, 4, 16, frames }, logits.Dimensions.ToArray());
            using var noGrad = torch.no_grad();
            using var expected = model.forward(x);
            Assert.True(Metrics.MaxRelativeDifference(logits.ToArray(), expected.data<float>().ToArray()) <= 1e-5, $"batch {batch}, T {frames}");
        }
    }

    [SkippableFact]
    public void WeightsTrainedFurtherInPyTorchLoadBackByName()
    {
        // Continue training in PyTorch (two AdamW steps), save there, load here: both compute the same new logits.
        Skip.If(PyTorchTwin.Python is null, PyTorchTwin.MissingReason);
        var config = GeneratorConfig.Demo with { Depth = 1 };
        torch.manual_seed(7);
        using var original = new CqtVisionTransformer(config);
        original.eval();
        string before = Path.Combine(_dir, "before.safetensors"), after = Path.Combine(_dir, "after.safetensors");
        GeneratorWeights.SaveSafetensors(original, before);
        PyTorchTwin.Run("train-step", "--weights", before, "--out", after, "--steps", "2", "--batch", "2", "--frames", "16");

        torch.manual_seed(8);
        using var restored = new CqtVisionTransformer(config);
        restored.eval();
        GeneratorWeights.LoadSafetensors(restored, after);
        using var x = torch.rand(1, 2, 84, 24);
        string inputPath = Path.Combine(_dir, "x.npy"), outputPath = Path.Combine(_dir, "logits.npy");
        NpyWriter.WriteAll(inputPath, x.data<float>().ToArray(), 1, 2, 84, 24);
        PyTorchTwin.Run("forward", "--weights", after, "--input", inputPath, "--out", outputPath);

        using var noGrad = torch.no_grad();
        using var trained = restored.forward(x);
        using var untrained = original.forward(x);
        float[] expected = trained.data<float>().ToArray();
        Assert.True(Metrics.MaxRelativeDifference(NpyReader.ReadAll(outputPath).Values, expected) <= 1e-5);
        Assert.True(Metrics.MaxRelativeDifference(untrained.data<float>().ToArray(), expected) > 1e-3, "the PyTorch steps changed nothing");
    }

    [SkippableFact]
    public void WeightsOfAnotherShapeAreRefusedByPyTorch()
    {
        Skip.If(PyTorchTwin.Python is null, PyTorchTwin.MissingReason);
        using var model = new CqtVisionTransformer(GeneratorConfig.Demo with { Depth = 1 });
        string weights = Path.Combine(_dir, "g.safetensors");
        GeneratorWeights.SaveSafetensors(model, weights);
        NpyWriter.WriteAll(Path.Combine(_dir, "x.npy"), new float[2 * 60 * 4], 1, 2, 60, 4);

        // 60 bins do not fit the 84-bin strips: PyTorch's convolution rejects the input, the script exits non-zero.
        var e = Assert.Throws<InvalidOperationException>(() => PyTorchTwin.Run("forward", "--weights", weights, "--input", Path.Combine(_dir, "x.npy"), "--out", Path.Combine(_dir, "y.npy")));
        Assert.Contains("exited with", e.Message);
    }
}
