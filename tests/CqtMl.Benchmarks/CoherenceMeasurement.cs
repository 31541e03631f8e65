using System.Globalization;
using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Generation;
using CqtMl.Preferences.Comparisons;
using CqtMl.Preferences.Judges;

namespace CqtMl.Benchmarks;

/// <summary>
/// Level changes per second of stochastic samples at each temperature and noise coherence, on whole audio files, and
/// how far apart two samples are (fraction of frames where their levels differ):
/// <c>dotnet run -c Release --project tests/CqtMl.Benchmarks -- coherence generator.onnx audio...</c>.
/// </summary>
public static class CoherenceMeasurement
{
    private static readonly double[] Temperatures = { 0.5, 0.7, 1.0, 1.2, 1.3 };
    private static readonly double[] Coherences = { 0, 0.05, 0.1, 0.25, 0.5, 1 };

    /// <summary>Prints one line per file, temperature and coherence.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="args">The generator, then audio files.</param>
    public static void Run(TextWriter output, string[] args)
    {
        using OnnxControlGenerator generator = OnnxControlGenerator.Load(args[0]);
        CqtOptions cqt = generator.Info.Cqt;
        var extractor = new CqtExtractor(cqt);
        output.WriteLine("file\ttemperature\tcoherence_s\tchanges_per_s (4 controls, mean of 8 samples)\tpair_difference (fraction of values)");
        foreach (string file in args[1..])
        {
            (float[] tensor, int frames) = ClipCqt.Compute(file, extractor);
            float[] deterministic = generator.Generate(tensor, 1, frames, new GenerationOptions());
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)}\tdeterministic\t-\t{ControlChanges.PerSecond(deterministic, frames, cqt.FrameRate):F1}\t-"));
            foreach (double temperature in Temperatures)
            {
                foreach (double coherence in Coherences)
                {
                    var options = new GenerationOptions { Mode = GenerationMode.Stochastic, Temperature = temperature, Coherence = coherence, SampleCount = 8, Seed = 11 };
                    float[] samples = generator.Generate(tensor, 1, frames, options);
                    int size = 4 * frames;
                    double changes = Enumerable.Range(0, 8).Average(s => ControlChanges.PerSecond(samples.AsSpan(s * size, size), frames, cqt.FrameRate));
                    double difference = Enumerable.Range(0, 4).Average(p => Enumerable.Range(0, size).Count(i => samples[(2 * p * size) + i] != samples[(((2 * p) + 1) * size) + i]) / (double)size);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)}\t{temperature}\t{coherence}\t{changes:F1}\t{difference:F3}"));
                }
            }
        }
    }
}
