using System.Diagnostics;
using System.Globalization;
using CqtMl.Tests.Shared;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CqtMl.Benchmarks;

/// <summary>
/// Times the generator's ONNX Runtime graphs interleaved: every round gives each graph a turn (in rotating order) of one
/// unmeasured run and three timed runs on the same input after a pause, so a slow spell of a noisy machine hits all of
/// them alike. Reports each graph's median time and, against
/// PyTorch's own export of the same weights, the median of the per-round speed ratios and how many rounds it won.
/// <c>dotnet run -c Release --project tests/CqtMl.Benchmarks -- paired [rounds] [frames,...] [batches,...]</c> (default 30
/// rounds, T = 344 and 1723, batch 1 and 8).
/// </summary>
public static class PairedGeneratorComparison
{
    private const int RunsPerTurn = 3;

    /// <summary>Measures and prints a Markdown table.</summary>
    /// <param name="output">Where the table goes.</param>
    /// <param name="rounds">Rounds per case (at least 3).</param>
    /// <param name="frameCounts">The values of T.</param>
    /// <param name="batches">The batch sizes.</param>
    public static void Run(TextWriter output, int rounds, IReadOnlyList<int> frameCounts, IReadOnlyList<int> batches)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 3);
        if (frameCounts.Count == 0 || batches.Count == 0 || frameCounts.Concat(batches).Any(n => n < 1))
        {
            throw new ArgumentException("Frame counts and batch sizes must be positive, at least one of each.");
        }

        bool withPyTorch = PyTorchTwin.Python is not null;
        if (!withPyTorch)
        {
            output.WriteLine($"// {PyTorchTwin.MissingReason} Comparing with the fused export instead.");
        }

        using var graphs = new GeneratorGraphs(withPyTorch);
        string reference = withPyTorch ? GeneratorGraphs.PyTorchExport : GeneratorGraphs.Fused;
        output.WriteLine($"{rounds} interleaved rounds per case; speed-up = median over rounds of (time of {reference}) / (time of the runner)");
        output.WriteLine();
        output.WriteLine("| T | batch | runner | median ms | frames/s | speed-up | rounds faster |");
        output.WriteLine("|---:|---:|---|---:|---:|---:|---:|");
        foreach (int frames in frameCounts)
        {
            foreach (int batch in batches)
            {
                var input = new DenseTensor<float>(GeneratorGraphs.InputValues(batch, frames), new[] { batch, 2, 84, frames });
                Dictionary<string, double[]> times = Measure(graphs, input, rounds);
                double[] referenceTimes = times[reference];
                foreach (var (name, _) in graphs.Sessions)
                {
                    double[] own = times[name];
                    double median = Median(own);
                    double speedUp = Median(own.Select((t, r) => referenceTimes[r] / t).ToArray());
                    int wins = own.Where((t, r) => t < referenceTimes[r]).Count();
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {frames} | {batch} | {name} | {median:F2} | {batch * frames / (median / 1000):N0} | {speedUp:F3} | {(name == reference ? "-" : $"{wins} / {rounds}")} |"));
                }
            }
        }
    }

    private static Dictionary<string, double[]> Measure(GeneratorGraphs graphs, DenseTensor<float> input, int rounds)
    {
        var sessions = graphs.Sessions;
        foreach (var (_, session) in sessions)
        {
            for (int i = 0; i < 2; i++)
            {
                GeneratorGraphs.Run(session, input);
            }
        }

        var times = sessions.ToDictionary(s => s.Name, _ => new double[rounds]);
        for (int round = 0; round < rounds; round++)
        {
            for (int j = 0; j < sessions.Count; j++)
            {
                var (name, session) = sessions[(round + j) % sessions.Count];

                // A pause lets the previous session's intra-op threads stop spinning (they would compete for the two
                // cores); one unmeasured run brings this session's weights into the caches and its threads back to work.
                Thread.Sleep(50);
                GeneratorGraphs.Run(session, input);
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < RunsPerTurn; i++)
                {
                    GeneratorGraphs.Run(session, input);
                }

                times[name][round] = Stopwatch.GetElapsedTime(start).TotalMilliseconds / RunsPerTurn;
            }
        }

        return times;
    }

    private static double Median(double[] values)
    {
        double[] sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
