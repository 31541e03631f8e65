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
    private const int Passes = 3;

    public static void Run(TextWriter output, string[] args)
    {
        if (args.Length == 0)
        {
            throw new ArgumentException("usage: dataset <fma root> [small|medium]");
        }

        FmaSubset subset = args.Length > 1 ? Enum.Parse<FmaSubset>(args[1], ignoreCase: true) : FmaSubset.Small;
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromFma(args[0], subset);
        string[] paths = data.GetColumn<string>("Path").ToArray();
        double audioSeconds = paths.Sum(p =>
        {
            using AudioReader reader = AudioDecoder.Open(p);
            return (double)reader.FrameCount!.Value / reader.SampleRate;
        });
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{paths.Length} clips, {audioSeconds:F0} s of audio, {Environment.ProcessorCount} cores; {AudioDecoder.DecoderDescription}; best of {Passes} passes after a warm-up"));
        output.WriteLine("| path | wall | clips/s | x real time | x real time per core |");
        output.WriteLine("|---|---:|---:|---:|---:|");

        var oneThread = new CqtExtractor(new CqtOptions { MaxDegreeOfParallelism = 1 });
        Row(output, "AudioCqtStream.ComputeTensor, one file after another, one thread", 1, paths.Length, audioSeconds, () =>
        {
            foreach (string path in paths)
            {
                AudioCqtStream.ComputeTensor(path, oneThread);
            }
        });
        Row(output, "AudioCqtStream.ComputeTensor, the files spread over all cores (Parallel.ForEach), one thread each", Environment.ProcessorCount, paths.Length, audioSeconds, () =>
            Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, path => AudioCqtStream.ComputeTensor(path, oneThread)));
        foreach (int? parallel in new int?[] { 1, null })
        {
            using CqtTransformer model = ml.Transforms.ExtractCqt(new CqtEstimator.Options { InputColumnName = "Path", FilesInParallel = parallel }).Fit(data);
            int cores = parallel ?? Environment.ProcessorCount;
            Row(output, $"ExtractCqt, FilesInParallel = {(parallel?.ToString(CultureInfo.InvariantCulture) ?? "null (one per core)")}", cores, paths.Length, audioSeconds, () =>
            {
                IDataView transformed = model.Transform(data);
                using DataViewRowCursor cursor = transformed.GetRowCursor(transformed.Schema.Where(c => c.Name == "Cqt"));
                ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(transformed.Schema["Cqt"]);
                VBuffer<float> value = default;
                while (cursor.MoveNext())
                {
                    getter(ref value);
                }
            });
        }
    }

    private static void Row(TextWriter output, string name, int cores, int clips, double audioSeconds, Action pass)
    {
        pass();
        double best = double.MaxValue;
        for (int i = 0; i < Passes; i++)
        {
            var clock = Stopwatch.StartNew();
            pass();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {best:F2} s | {clips / best:F1} | {audioSeconds / best:F0}x | {audioSeconds / best / cores:F0}x |"));
    }
}
