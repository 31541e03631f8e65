using BenchmarkDotNet.Attributes;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.Synthesis;

namespace CqtMl.Benchmarks;

/// <summary>
/// The CQT at default parameters (22050 Hz, hop 64, 84 bins, stereo) on 300 seconds of synthesized music, using all
/// processors; the real-time factor is 300 s divided by the mean.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 7)]
[MemoryDiagnoser]
public class CqtBenchmarks
{
    private const int SampleRate = 22050;
    private const double Seconds = 300;
    private float[][] _stereo = Array.Empty<float[]>();
    private CqtExtractor _extractor = new();
    private CqtExtractor _singleThread = new();

    /// <summary>Synthesizes the signal and builds the plans.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var notes = new List<Note>();
        var random = new Random(7);
        for (double t = 0; t < Seconds; t += 0.125)
        {
            notes.Add(new Note(36 + random.Next(60), t, 0.1 + random.NextDouble(), 0.05 + (0.1 * random.NextDouble())));
        }

        float[] left = NoteSynth.Render(notes, SampleRate, Seconds);
        float[] right = NoteSynth.Render(notes.Where((_, i) => i % 3 != 0), SampleRate, Seconds);
        _stereo = new[] { left, right };
        _extractor = new CqtExtractor(new CqtOptions());
        _singleThread = new CqtExtractor(new CqtOptions { MaxDegreeOfParallelism = 1 });
    }

    /// <summary>Stereo tensor [2, 84, 103360] on all cores.</summary>
    /// <returns>The tensor.</returns>
    [Benchmark(Description = "CQT 300 s stereo, all cores")]
    public float[] Stereo300Seconds() => _extractor.ComputeTensor(_stereo);

    /// <summary>The same on one thread.</summary>
    /// <returns>The tensor.</returns>
    [Benchmark(Description = "CQT 300 s stereo, 1 thread")]
    public float[] Stereo300SecondsOneThread() => _singleThread.ComputeTensor(_stereo);
}
