using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Cqt;
using CqtMl.Onnx.Runtime;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace CqtMl.Onnx.Tests.Runtime;

/// <summary>
/// The GPU build of ONNX Runtime (Microsoft.ML.OnnxRuntime.Gpu.Linux) on a machine without CUDA: its real CUDA provider
/// library is in this project's output (CqtMlCopyCudaProvider) and fails to load because CUDA 13 is absent.
/// </summary>
public class OnnxExecutionTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void CudaThatCannotLoadFallsBackToTheCpuWithTheReasonOrFailsNamingIt()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "The GPU package's provider libraries are checked on Linux.");
        Assert.Contains("CUDAExecutionProvider", OrtEnv.Instance().GetAvailableProviders());
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libonnxruntime_providers_cuda.so")), "the real CUDA provider library is copied here");
        string? problem = OnnxExecution.CudaProblem(0);
        Skip.If(problem is null, "This machine has a usable CUDA device: nothing to fall back from.");
        output.WriteLine(problem);

        // What is missing is named: the provider's CUDA dependency (libcublasLt.so.13, libcudart, libcudnn ...).
        Assert.Contains("cannot open shared object file", problem);
        Assert.Contains("libonnxruntime_providers_cuda.so", problem);

        var logged = new List<string>();
        Assert.Null(OnnxExecution.ResolveDevice(0, fallbackToCpu: true, logged.Add));
        Assert.Contains("falling back to the CPU", Assert.Single(logged));
        Assert.Contains("cannot open shared object file", logged[0]);

        var error = Assert.Throws<InvalidOperationException>(() => OnnxExecution.ResolveDevice(0, fallbackToCpu: false));
        Assert.Contains("CUDA device 0", error.Message);
        Assert.Contains("cannot open shared object file", error.Message);
        Assert.Contains("FallbackToCpu", error.Message);

        // The fallback session really runs: the CQT graph on the CPU gives the native CQT.
        var options = new CqtOptions();
        float[] tone = Enumerable.Range(0, 8000).Select(i => MathF.Sin(2 * MathF.PI * 440 * i / 22050)).ToArray();
        using SessionOptions session = OnnxExecution.CreateSessionOptions(OnnxExecution.ResolveDevice(0, fallbackToCpu: true, _ => { }));
        using InferenceSession model = OnnxExecution.LoadSession(CqtOnnxModel.Build(options), session, "cqt graph");
        using var results = model.Run(new[] { NamedOnnxValue.CreateFromTensor("pcm", new DenseTensor<float>(tone, new[] { 1, tone.Length })) });
        float[] actual = results.First().AsTensor<float>().ToArray();
        Assert.True(Metrics.RelativeL2(actual, new CqtExtractor(options).ComputeTensor(new[] { tone })) < 1e-4);
    }

    [Fact]
    public void ModelBytesThatAreNotOnnxAreRejectedNamingTheSource()
    {
        using SessionOptions options = OnnxExecution.CreateSessionOptions(null);
        var error = Assert.Throws<InvalidDataException>(() => OnnxExecution.LoadSession(new byte[] { 8, 1, 2, 3, 4 }, options, "bad.onnx"));
        Assert.StartsWith("bad.onnx: not a loadable ONNX model", error.Message);
        Assert.StartsWith("empty.onnx: not a loadable ONNX model", Assert.Throws<InvalidDataException>(() => OnnxExecution.LoadSession(Array.Empty<byte>(), options, "empty.onnx")).Message);
    }
}
