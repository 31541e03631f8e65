using BenchmarkDotNet.Attributes;
using CqtMl.Audio.Resampling;

namespace CqtMl.Benchmarks;

/// <summary>
/// Resampling 30 seconds of mono noise to 22,050 Hz from common and uncommon rates, one thread, the filter designed
/// before timing (<see cref="Resampler.For"/> keeps it). Real-time factor = 30 s / the mean.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
public class ResamplerBenchmarks
{
    private const int TargetRate = 22050;
    private float[] _input = Array.Empty<float>();

    /// <summary>Gets or sets the input rate.</summary>
    [Params(8000, 16000, 32000, 44100, 48000, 88200, 96000, 192000)]
    public int SourceRate { get; set; }

    /// <summary>Makes the input and designs the filter.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        _input = Enumerable.Range(0, 30 * SourceRate).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        Resampler.For(SourceRate, TargetRate);
    }

    /// <summary>Resamples the 30 seconds.</summary>
    /// <returns>The output.</returns>
    [Benchmark]
    public float[] Resample() => Resampler.Resample(_input, SourceRate, TargetRate);
}
