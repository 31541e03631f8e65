using BenchmarkDotNet.Attributes;
using CqtMl.Tests.Shared;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;

namespace CqtMl.Benchmarks;

/// <summary>
/// Inference of the tiny generator (84 x 4 strips, 192 wide, depth 12): the project's exported graph on ONNX Runtime
/// (CPU; fused and standard operators, and the int8-weight variant) against TorchSharp eager and against the graph that
/// PyTorch's own <c>torch.onnx.export</c> makes of the same model with the same weights (tools/pytorch/cqt_vit.py; needs a
/// Python with torch, see <see cref="PyTorchTwin"/>; without one only that runner fails), for T = 344 and 1723 frames,
/// batch 1 and 8. Frames per second = batch * T / mean. <see cref="PairedGeneratorComparison"/> measures the same
/// runners interleaved, which a noisy machine disturbs less.
/// </summary>
/// <remarks>Runs in-process: the build's TorchSharp fix-up for Debian 12 applies to this project's output, not to the
/// separate project BenchmarkDotNet would otherwise generate.</remarks>
[InProcess]
[WarmupCount(2)]
[IterationCount(5)]
public class GeneratorBenchmarks
{
    private GeneratorGraphs _graphs = null!;
    private DenseTensor<float> _input = null!;
    private torch.Tensor _torchInput = null!;

    /// <summary>Gets or sets the number of frames.</summary>
    [Params(344, 1723)]
    public int Frames { get; set; }

    /// <summary>Gets or sets the batch size.</summary>
    [Params(1, 8)]
    public int Batch { get; set; }

    /// <summary>Builds the model, its ONNX exports and the inputs.</summary>
    [GlobalSetup]
    public void Setup() => Setup(withPyTorchExport: false);

    /// <summary>The common setup plus the graph PyTorch exports of the same weights (checked to compute the same logits).</summary>
    [GlobalSetup(Target = nameof(PyTorchExport))]
    public void SetupPyTorchExport() => Setup(withPyTorchExport: true);

    /// <summary>Releases the sessions and the model.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _graphs.Dispose();
        _torchInput.Dispose();
    }

    /// <summary>The exported graph (fused contrib operators, the default) on ONNX Runtime.</summary>
    /// <returns>A checksum.</returns>
    [Benchmark(Description = GeneratorGraphs.Fused)]
    public float OnnxRuntime() => GeneratorGraphs.Run(_graphs[GeneratorGraphs.Fused], _input);

    /// <summary>The exported graph with standard ONNX operators only on ONNX Runtime.</summary>
    /// <returns>A checksum.</returns>
    [Benchmark(Description = GeneratorGraphs.Standard)]
    public float OnnxRuntimeStandard() => GeneratorGraphs.Run(_graphs[GeneratorGraphs.Standard], _input);

    /// <summary>The int8-weight variant (dynamic quantization, fused operators) on ONNX Runtime.</summary>
    /// <returns>A checksum.</returns>
    [Benchmark(Description = GeneratorGraphs.Int8)]
    public float OnnxRuntimeInt8() => GeneratorGraphs.Run(_graphs[GeneratorGraphs.Int8], _input);

    /// <summary>The graph PyTorch's torch.onnx.export makes of the same model and weights, on ONNX Runtime.</summary>
    /// <returns>A checksum.</returns>
    [Benchmark(Description = GeneratorGraphs.PyTorchExport)]
    public float PyTorchExport() => GeneratorGraphs.Run(_graphs[GeneratorGraphs.PyTorchExport], _input);

    /// <summary>TorchSharp eager forward pass without gradients.</summary>
    /// <returns>A checksum.</returns>
    [Benchmark(Description = "TorchSharp eager")]
    public float TorchSharpEager()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return _graphs.Model.forward(_torchInput)[0, 0, 0, 0].item<float>();
    }

    private void Setup(bool withPyTorchExport)
    {
        _graphs = new GeneratorGraphs(withPyTorchExport);
        float[] values = GeneratorGraphs.InputValues(Batch, Frames);
        _input = new DenseTensor<float>(values, new[] { Batch, 2, 84, Frames });
        _torchInput = torch.tensor(values, Batch, 2, 84, Frames);
    }
}
