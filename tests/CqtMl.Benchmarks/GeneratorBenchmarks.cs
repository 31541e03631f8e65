using BenchmarkDotNet.Attributes;
using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Runtime;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;

namespace CqtMl.Benchmarks;

/// <summary>
/// Inference of the tiny generator (84 x 4 strips, 192 wide, depth 12): the project's exported graph on ONNX Runtime
/// (CPU; fused and standard operators, and the int8-weight variant) against TorchSharp eager, for T = 344 and 1723 frames, batch 1 and 8. Frames per second = batch * T / mean.
/// </summary>
/// <remarks>Runs in-process: the build's TorchSharp fix-up for Debian 12 applies to this project's output, not to the
/// separate project BenchmarkDotNet would otherwise generate.</remarks>
[InProcess]
[WarmupCount(2)]
[IterationCount(5)]
public class GeneratorBenchmarks
{
    private CqtVisionTransformer _model = null!;
    private InferenceSession _session = null!;
    private InferenceSession _standardSession = null!;
    private InferenceSession _int8Session = null!;
    private DenseTensor<float> _input = null!;
    private torch.Tensor _torchInput = null!;

    /// <summary>Gets or sets the number of frames.</summary>
    [Params(344, 1723)]
    public int Frames { get; set; }

    /// <summary>Gets or sets the batch size.</summary>
    [Params(1, 8)]
    public int Batch { get; set; }

    /// <summary>Builds the model, its ONNX export and the inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(1);
        _model = new CqtVisionTransformer(GeneratorConfig.Tiny);
        _model.eval();
        using (SessionOptions options = OnnxExecution.CreateSessionOptions(null))
        {
            _session = new InferenceSession(GeneratorOnnxExporter.Export(_model, new CqtOptions(), "tiny"), options);
            _standardSession = new InferenceSession(GeneratorOnnxExporter.Export(_model, new CqtOptions(), "tiny", new GeneratorExportOptions { Operators = GeneratorOperators.Standard }), options);
            _int8Session = new InferenceSession(GeneratorOnnxExporter.Export(_model, new CqtOptions(), "tiny", new GeneratorExportOptions { QuantizeWeights = true }), options);
        }

        var random = new Random(2);
        float[] values = Enumerable.Range(0, Batch * 2 * 84 * Frames).Select(_ => (float)random.NextDouble()).ToArray();
        _input = new DenseTensor<float>(values, new[] { Batch, 2, 84, Frames });
        _torchInput = torch.tensor(values, Batch, 2, 84, Frames);
    }

    /// <summary>Releases the session and the model.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _session.Dispose();
        _standardSession.Dispose();
        _int8Session.Dispose();
        _model.Dispose();
        _torchInput.Dispose();
    }

    /// <summary>The exported graph (fused contrib operators, the default) on ONNX Runtime.</summary>
    /// <returns>A checksum.</returns>
    [Benchmark(Description = "ONNX Runtime (fused export)")]
    public float OnnxRuntime() => Run(_session);

    /// <summary>The exported graph with standard ONNX operators only on ONNX Runtime.</summary>
    /// <returns>A checksum.</returns>
    [Benchmark(Description = "ONNX Runtime (standard-operator export)")]
    public float OnnxRuntimeStandard() => Run(_standardSession);

    /// <summary>The int8-weight variant (dynamic quantization, fused operators) on ONNX Runtime.</summary>
    /// <returns>A checksum.</returns>
    [Benchmark(Description = "ONNX Runtime (int8 weights)")]
    public float OnnxRuntimeInt8() => Run(_int8Session);

    /// <summary>TorchSharp eager forward pass without gradients.</summary>
    /// <returns>A checksum.</returns>
    [Benchmark(Description = "TorchSharp eager")]
    public float TorchSharpEager()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return _model.forward(_torchInput)[0, 0, 0, 0].item<float>();
    }

    private float Run(InferenceSession session)
    {
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("cqt", _input) }, new[] { "logits" });
        return results.First().AsTensor<float>()[0, 0, 0, 0];
    }
}
