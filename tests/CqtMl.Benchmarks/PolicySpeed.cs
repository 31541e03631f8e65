using System.Diagnostics;
using System.Globalization;
using CqtMl.Onnx.Generation;

namespace CqtMl.Benchmarks;

/// <summary>
/// Generation speed and file size of several exported policies (ViT presets, the baseline, the rule-based model):
/// <c>-- policy-speed frames batch model.onnx ...</c>. Each round runs every model once, in rotating order, on the same
/// random CQT (deterministic mode); the median over rounds is reported as frames per second.
/// </summary>
internal static class PolicySpeed
{
    private const int Rounds = 15;

    public static void Run(TextWriter output, string[] args)
    {
        if (args.Length < 3)
        {
            throw new ArgumentException("usage: policy-speed frames batch model.onnx [model.onnx ...]");
        }

        int frames = int.Parse(args[0], CultureInfo.InvariantCulture), batch = int.Parse(args[1], CultureInfo.InvariantCulture);
        string[] paths = args[2..];
        var generators = paths.Select(p => OnnxControlGenerator.Load(p)).ToArray();
        try
        {
            var random = new Random(1);
            float[] cqt = Enumerable.Range(0, batch * 2 * generators[0].Bins * frames).Select(_ => (float)(random.NextDouble() * 0.05)).ToArray();
            var options = new GenerationOptions();
            foreach (OnnxControlGenerator generator in generators)
            {
                generator.Generate(cqt, batch, frames, options); // warm-up
            }

            var times = paths.Select(_ => new List<double>()).ToArray();
            for (int round = 0; round < Rounds; round++)
            {
                for (int k = 0; k < generators.Length; k++)
                {
                    int i = (k + round) % generators.Length;
                    var clock = Stopwatch.StartNew();
                    generators[i].Generate(cqt, batch, frames, options);
                    times[i].Add(clock.Elapsed.TotalMilliseconds);
                }
            }

            output.WriteLine($"T = {frames}, batch {batch}, {Rounds} rounds, median:");
            for (int i = 0; i < paths.Length; i++)
            {
                double median = times[i].Order().ElementAt(Rounds / 2);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{paths[i]}: {median:F2} ms, {batch * frames / (median / 1000):F0} frames/s, {new FileInfo(paths[i]).Length / 1e6:F2} MB"));
            }
        }
        finally
        {
            foreach (OnnxControlGenerator generator in generators)
            {
                generator.Dispose();
            }
        }
    }
}
