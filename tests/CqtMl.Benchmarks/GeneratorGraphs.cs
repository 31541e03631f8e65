using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Runtime;
using CqtMl.Tests.Shared;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;

namespace CqtMl.Benchmarks;

/// <summary>
/// The tiny generator (84 x 4 strips, 192 wide, depth 12; random weights from seed 1) and its ONNX Runtime sessions:
/// the project's export (fused operators, standard operators, int8 weights) and, on request, the graph PyTorch's own
/// <c>torch.onnx.export</c> makes of the same weights (tools/pytorch/cqt_vit.py, checked to compute the same logits).
/// </summary>
internal sealed class GeneratorGraphs : IDisposable
{
    public const string Fused = "ONNX Runtime (fused export)";
    public const string Standard = "ONNX Runtime (standard-operator export)";
    public const string Int8 = "ONNX Runtime (int8 weights)";
    public const string PyTorchExport = "ONNX Runtime (PyTorch's torch.onnx.export)";

    private readonly List<(string Name, InferenceSession Session)> _sessions = new();
    private string? _pytorchDir;

    public GeneratorGraphs(bool withPyTorchExport)
    {
        torch.manual_seed(1);
        Model = new CqtVisionTransformer(GeneratorConfig.Tiny);
        Model.eval();
        using SessionOptions options = OnnxExecution.CreateSessionOptions(null);
        _sessions.Add((Fused, new InferenceSession(GeneratorOnnxExporter.Export(Model, new CqtOptions(), "tiny"), options)));
        _sessions.Add((Standard, new InferenceSession(GeneratorOnnxExporter.Export(Model, new CqtOptions(), "tiny", new GeneratorExportOptions { Operators = GeneratorOperators.Standard }), options)));
        _sessions.Add((Int8, new InferenceSession(GeneratorOnnxExporter.Export(Model, new CqtOptions(), "tiny", new GeneratorExportOptions { QuantizeWeights = true }), options)));
        if (withPyTorchExport)
        {
            _pytorchDir = Directory.CreateTempSubdirectory("cqtml-bench-pytorch-").FullName;
            string weights = Path.Combine(_pytorchDir, "generator.safetensors"), graph = Path.Combine(_pytorchDir, "pytorch.onnx");
            GeneratorWeights.SaveSafetensors(Model, weights);
            PyTorchTwin.Run("export", "--weights", weights, "--out", graph);
            _sessions.Add((PyTorchExport, new InferenceSession(graph, options)));
            CheckAgreement(this[Fused], this[PyTorchExport]);
        }
    }

    /// <summary>Gets the TorchSharp model.</summary>
    public CqtVisionTransformer Model { get; }

    /// <summary>Gets the sessions, in a fixed order.</summary>
    public IReadOnlyList<(string Name, InferenceSession Session)> Sessions => _sessions;

    /// <summary>Gets a session by runner name.</summary>
    public InferenceSession this[string name] => _sessions.First(s => s.Name == name).Session;

    /// <summary>A random CQT batch (uniform in [0, 1), seed 2).</summary>
    public static float[] InputValues(int batch, int frames)
    {
        var random = new Random(2);
        return Enumerable.Range(0, batch * 2 * 84 * frames).Select(_ => (float)random.NextDouble()).ToArray();
    }

    /// <summary>Runs a session on <paramref name="input"/>; returns one logit as a checksum.</summary>
    public static float Run(InferenceSession session, DenseTensor<float> input)
    {
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("cqt", input) }, new[] { "logits" });
        return results.First().AsTensor<float>()[0, 0, 0, 0];
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var (_, session) in _sessions)
        {
            session.Dispose();
        }

        Model.Dispose();
        if (_pytorchDir is not null)
        {
            Directory.Delete(_pytorchDir, recursive: true);
        }
    }

    private static void CheckAgreement(InferenceSession project, InferenceSession pytorch)
    {
        var input = new DenseTensor<float>(InputValues(2, 37), new[] { 2, 2, 84, 37 });
        float[] Logits(InferenceSession session)
        {
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("cqt", input) }, new[] { "logits" });
            return results.First().AsTensor<float>().ToArray();
        }

        float[] expected = Logits(project), actual = Logits(pytorch);
        double difference = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max() / expected.Max(MathF.Abs);
        if (!(difference <= 1e-4))
        {
            throw new InvalidOperationException($"The PyTorch-exported graph differs from the project's by {difference:E2} (relative).");
        }
    }
}
