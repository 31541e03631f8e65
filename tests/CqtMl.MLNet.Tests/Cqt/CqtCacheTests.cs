using CqtMl.Audio.IO;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CqtMl.MLNet.Tests.Cqt;

public class CqtCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-cache-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SecondLookupIsAHitAndKeysCoverContentAndParameters()
    {
        string audio = WriteAudio("a.wav", 440);
        var cache = new CqtCache(Path.Combine(_dir, "cache"));
        int computed = 0;
        float[] Compute() { computed++; return new[] { 1f, 2f, 3f }; }

        Assert.Equal(new[] { 1f, 2f, 3f }, cache.GetOrCompute(audio, "hop=64", Compute));
        Assert.Equal(new[] { 1f, 2f, 3f }, cache.GetOrCompute(audio, "hop=64", Compute));
        Assert.Equal((1, 1, 1), (computed, cache.Hits, cache.Misses));

        cache.GetOrCompute(audio, "hop=128", Compute);
        WavWriter.WriteFloat32(audio, 22050, CqtEstimatorTests.Tone(22050, 4000, 441));
        cache.GetOrCompute(audio, "hop=64", Compute);
        Assert.Equal(3, computed);
    }

    [Fact]
    public void CorruptedEntryIsDetectedAndRecomputed()
    {
        string audio = WriteAudio("b.wav", 330);
        string folder = Path.Combine(_dir, "cache");
        var cache = new CqtCache(folder);
        cache.GetOrCompute(audio, "p", () => Enumerable.Range(0, 1000).Select(i => (float)i).ToArray());
        string entry = Directory.GetFiles(folder, "*.cqt", SearchOption.AllDirectories).Single();
        byte[] bytes = File.ReadAllBytes(entry);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(entry, bytes);

        int computed = 0;
        float[] again = cache.GetOrCompute(audio, "p", () => { computed++; return Enumerable.Range(0, 1000).Select(i => (float)i).ToArray(); });
        Assert.Equal(1, computed);
        Assert.Equal(1, cache.Corrupted);
        Assert.Equal(999f, again[999]);
        File.WriteAllBytes(entry, bytes[..100]);
        Assert.Equal(999f, new CqtCache(folder).GetOrCompute(audio, "p", () => Enumerable.Range(0, 1000).Select(i => (float)i).ToArray())[999]);
    }

    [Fact]
    public void ConcurrentWritersLeaveOneValidEntryAndNoTemporaryFiles()
    {
        string audio = WriteAudio("c.wav", 220);
        string folder = Path.Combine(_dir, "cache");
        float[] expected = Enumerable.Range(0, 50_000).Select(i => (float)Math.Sin(i)).ToArray();
        var results = new float[16][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            results[i] = new CqtCache(folder).GetOrCompute(audio, "p", () => (float[])expected.Clone()));
        Assert.All(results, r => Assert.Equal(expected, r));
        Assert.Single(Directory.GetFiles(folder, "*.cqt", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void PipelineWithCacheMatchesTheOnnxPathAndFillsTheCache()
    {
        var ml = new MLContext(seed: 1);
        string[] files = { WriteAudio("x.wav", 262), WriteAudio("y.wav", 392) };
        IDataView data = ml.Data.LoadFromEnumerable(files.Select(f => new CqtEstimatorTests.PathRow { Audio = f }));
        string folder = Path.Combine(_dir, "pipeline-cache");
        var cached = ml.Transforms.ExtractCqt(new CqtEstimator.Options { InputColumnName = "Audio", CacheDirectory = folder, HopLength = 128 }).Fit(data);
        var plain = ml.Transforms.ExtractCqt(new CqtEstimator.Options { InputColumnName = "Audio", HopLength = 128 }).Fit(data);
        float[][] first = cached.Transform(data).GetColumn<float[]>("Cqt").ToArray();
        float[][] second = cached.Transform(data).GetColumn<float[]>("Cqt").ToArray();
        float[][] reference = plain.Transform(data).GetColumn<float[]>("Cqt").ToArray();
        Assert.Equal(2, Directory.GetFiles(folder, "*.cqt", SearchOption.AllDirectories).Length);
        for (int i = 0; i < files.Length; i++)
        {
            Assert.Equal(first[i], second[i]);
            Assert.True(Metrics.RelativeL2(first[i], reference[i]) < 1e-4);
        }
    }

    [Fact]
    public void TwoProcessesFillingTheCacheAtOnceAgree()
    {
        var ml = new MLContext(seed: 1);
        string audio = Path.Combine(_dir, "long.wav");
        WavWriter.WriteFloat32(audio, 44100, CqtEstimatorTests.Tone(44100, 44100 * 20, 220));
        string folder = Path.Combine(_dir, "shared-cache");
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new CqtEstimatorTests.PathRow { Audio = audio } });
        var model = ml.Transforms.ExtractCqt(new CqtEstimator.Options { InputColumnName = "Audio", CacheDirectory = folder }).Fit(data);
        string zip = Path.Combine(_dir, "cached.zip");
        ml.Model.Save(model, data.Schema, zip);

        var processes = Enumerable.Range(0, 2).Select(i =>
        {
            var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string arg in new[] { CqtEstimatorTests.ModelRunner(), zip, audio, "Cqt", Path.Combine(_dir, $"out{i}.f32") })
            {
                start.ArgumentList.Add(arg);
            }

            return System.Diagnostics.Process.Start(start)!;
        }).ToList();
        foreach (var process in processes)
        {
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, errors);
        }

        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "out0.f32")), File.ReadAllBytes(Path.Combine(_dir, "out1.f32")));
        Assert.Single(Directory.GetFiles(folder, "*.cqt", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));
    }

    private string WriteAudio(string name, double frequency)
    {
        string path = Path.Combine(_dir, name);
        WavWriter.WriteFloat32(path, 22050, CqtEstimatorTests.Tone(22050, 5000, frequency));
        return path;
    }
}
