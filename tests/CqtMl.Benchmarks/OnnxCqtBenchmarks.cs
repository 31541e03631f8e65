using BenchmarkDotNet.Attributes;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.Synthesis;
using CqtMl.Onnx.Cqt;
using CqtMl.Onnx.Runtime;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CqtMl.Benchmarks;

/// <summary>
/// The ONNX CQT graph (default parameters) on ONNX Runtime's CPU provider for one 5-second clip, mono and planar
/// stereo input; the real-time factor is 5 s divided by the mean.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
public class OnnxCqtBenchmarks
{
    private InferenceSession _mono = null!;
    private InferenceSession _stereo = null!;
    private DenseTensor<float> _monoInput = null!;
    private DenseTensor<float> _stereoInput = null!;

    /// <summary>Builds both graphs and a 5 s clip of synthesized notes.</summary>
    [GlobalSetup]
    public void Setup()
    {
        float[] clip = NoteSynth.Render(NoteSynth.DemoTune, 22050, 5.0);
        using (SessionOptions options = OnnxExecution.CreateSessionOptions(null))
        {
            _mono = new InferenceSession(CqtOnnxModel.Build(new CqtOptions()), options);
            _stereo = new InferenceSession(CqtOnnxModel.Build(new CqtOptions(), CqtOnnxInput.PlanarStereo), options);
        }

        _monoInput = new DenseTensor<float>(clip, new[] { 1, clip.Length });
        _stereoInput = new DenseTensor<float>(clip.Concat(clip).ToArray(), new[] { 1, 2 * clip.Length });
    }

    /// <summary>Releases the sessions.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _mono.Dispose();
        _stereo.Dispose();
    }

    /// <summary>Mono input, stereo tensor (mono duplicated).</summary>
    /// <returns>The number of output values.</returns>
    [Benchmark(Description = "ONNX CQT 5 s, mono input")]
    public int Mono()
    {
        using var results = _mono.Run(new[] { NamedOnnxValue.CreateFromTensor("pcm", _monoInput) });
        return results.First().AsTensor<float>().Length > 0 ? 1 : 0;
    }

    /// <summary>Planar stereo input.</summary>
    /// <returns>The number of output values.</returns>
    [Benchmark(Description = "ONNX CQT 5 s, stereo input")]
    public int Stereo()
    {
        using var results = _stereo.Run(new[] { NamedOnnxValue.CreateFromTensor("pcm", _stereoInput) });
        return results.First().AsTensor<float>().Length > 0 ? 1 : 0;
    }
}
