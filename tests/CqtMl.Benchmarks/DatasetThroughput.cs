using System.Diagnostics;
using System.Globalization;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;
using CqtMl.MLNet;
using CqtMl.MLNet.DataSources;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CqtMl.Benchmarks;

/// <summary>
/// Data-set throughput of <c>ExtractCqt</c> over an FMA-format folder, in clips per second and times real time, against
/// the same files computed one after another by <see cref="AudioCqtStream.ComputeTensor(string, CqtExtractor, long?)"/>
/// on one thread (the end-to-end figure per core). <c>-- dataset &lt;fma root&gt; [small|medium]</c>.
/// </summary>
internal static class DatasetThroughput
{
    private const int Rounds = 9;

    public static void Run(TextWriter output, string[] args)
    {
        if (args.Length == 0)
        {
            throw new ArgumentException("usage: dataset <fma root> [small|medium]");
        }

        FmaSubset subset = args.Length > 1 ? Enum.Parse<FmaSubset>(args[1], ignoreCase: true) : FmaSubset.Small;
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromFma(args[0], subset);
        string[] files = data.GetColumn<string>("Path").ToArray();
        double audioSeconds = files.Sum(p =>
        {
            using AudioReader reader = AudioDecoder.Open(p);
            return (double)reader.FrameCount!.Value / reader.SampleRate;
        });
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{files.Length} clips, {audioSeconds:F0} s of audio, {Environment.ProcessorCount} cores; {AudioDecoder.DecoderDescription}; median of {Rounds} rounds after a warm-up, the paths taking turns"));
        output.WriteLine("| path | wall | clips/s | x real time | x real time per core |");
        output.WriteLine("|---|---:|---:|---:|---:|");

        var oneThread = new CqtExtractor(new CqtOptions { MaxDegreeOfParallelism = 1 });
        using CqtTransformer sequential = ml.Transforms.ExtractCqt(new CqtEstimator.Options { InputColumnName = "Path", FilesInParallel = 1 }).Fit(data);
        using CqtTransformer parallel = ml.Transforms.ExtractCqt(new CqtEstimator.Options { InputColumnName = "Path" }).Fit(data);
        int cores = Environment.ProcessorCount;
        var paths = new (string Name, int Cores, Action Pass)[]
        {
            ("AudioCqtStream.ComputeTensor, one file after another, one thread", 1, () =>
            {
                foreach (string path in files)
                {
                    AudioCqtStream.ComputeTensor(path, oneThread);
                }
            }),
            ("AudioCqtStream.ComputeTensor, the files spread over all cores (Parallel.ForEach), one thread each", cores, () =>
                Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = cores }, path => AudioCqtStream.ComputeTensor(path, oneThread))),
            ("ExtractCqt, FilesInParallel = 1", 1, () => ReadAll(sequential.Transform(data))),
            ("ExtractCqt, FilesInParallel = null (one per core)", cores, () => ReadAll(parallel.Transform(data))),
        };

        // The paths take turns, round after round, so that the VM's drift (about 10 % between runs) touches all alike.
        var times = paths.Select(_ => new List<double>()).ToArray();
        for (int round = -1; round < Rounds; round++)
        {
            for (int i = 0; i < paths.Length; i++)
            {
                var clock = Stopwatch.StartNew();
                paths[i].Pass();
                if (round >= 0)
                {
                    times[i].Add(clock.Elapsed.TotalSeconds);
                }
            }
        }

        double Median(int i) => times[i].Order().ElementAt(Rounds / 2);
        for (int i = 0; i < paths.Length; i++)
        {
            double median = Median(i);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {paths[i].Name} | {median:F3} s | {files.Length / median:F1} | {audioSeconds / median:F0}x | {audioSeconds / median / paths[i].Cores:F0}x |"));
        }

        // The same comparison round by round (both paths ran within a second of each other), the median of the ratios.
        double PerRound(int mlnet, int native) => times[mlnet].Zip(times[native], (m, n) => n / m).Order().ElementAt(Rounds / 2);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ExtractCqt against the native engine, median of the per-round ratios: one file at a time {PerRound(2, 0):P1}, all cores {PerRound(3, 1):P1}"));
    }

    /// <summary>Reads every row's CQT through one cursor, as a trainer does.</summary>
    private static void ReadAll(IDataView transformed)
    {
        using DataViewRowCursor cursor = transformed.GetRowCursor(transformed.Schema.Where(c => c.Name == "Cqt"));
        ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(transformed.Schema["Cqt"]);
        VBuffer<float> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
        }
    }
}
