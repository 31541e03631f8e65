using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;
using CqtMl.Audio.IO;
using CqtMl.Audio.Resampling;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CqtMl.MLNet.Tests.Cqt;

public class CqtEstimatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-mlnet-").FullName;
    private readonly MLContext _ml;

    // ML.NET's copies of loaded models' ONNX graphs go to the test's folder: a loaded model a test does not dispose leaves nothing.
    public CqtEstimatorTests() => _ml = new MLContext(seed: 1) { TempFilePath = _dir };

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void DisposingTheFittedAndTheLoadedModelDeletesTheirOnnxModelFiles()
    {
        string temp = Directory.CreateDirectory(Path.Combine(_dir, "ml-temp")).FullName, zip = Path.Combine(_dir, "dispose.zip");
        var ml = new MLContext(seed: 1) { TempFilePath = temp };
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new PcmRow { Pcm = Tone(16000, 16000, 440) } });
        var estimator = ml.Transforms.ExtractCqt(new CqtEstimator.Options { InputColumnName = "Pcm", SampleRate = 16000 });
        Assert.NotNull(estimator.GetOutputSchema(ShapeOf(data.Schema)));
        float[] fitted;
        string onnxFile;
        using (CqtTransformer model = estimator.Fit(data))
        {
            onnxFile = Assert.Single(model.ModelFilePaths); // the ONNX CQT, read by ML.NET's ONNX transform
            Assert.True(File.Exists(onnxFile));
            fitted = model.Transform(data).GetColumn<float[]>("Cqt").Single();
            ml.Model.Save(model, data.Schema, zip);
            model.Dispose(); // idempotent
        }

        Assert.False(File.Exists(onnxFile));
        Assert.Empty(Directory.GetFiles(temp)); // nothing of ML.NET's own either (its copies of streams are never deleted)
        ITransformer loaded = ml.Model.Load(zip, out _);
        Assert.Single(Directory.GetFiles(temp));
        Assert.Equal(fitted, loaded.Transform(data).GetColumn<float[]>("Cqt").Single());
        ((IDisposable)loaded).Dispose();
        Assert.Empty(Directory.GetFiles(temp));
    }

    [Fact]
    public void PcmColumnGivesTheCqtOfTheEngine()
    {
        var rows = new[] { new PcmRow { Pcm = Tone(16000, 16000, 440) }, new PcmRow { Pcm = Tone(16000, 9999, 1000) } };
        var options = new CqtEstimator.Options { InputColumnName = "Pcm", OutputColumnName = "Spectrum", SampleRate = 16000, HopLength = 100, BinCount = 48, BinsPerOctave = 24, FMin = 65.4 };
        IDataView data = _ml.Data.LoadFromEnumerable(rows);
        IDataView transformed = _ml.Transforms.ExtractCqt(options).Fit(data).Transform(data);
        var outputs = transformed.GetColumn<float[]>("Spectrum").ToList();
        var engine = new CqtExtractor(new CqtOptions { SampleRate = 16000, HopLength = 100, BinCount = 48, BinsPerOctave = 24, FMin = 65.4 });
        for (int i = 0; i < rows.Length; i++)
        {
            float[] expected = engine.ComputeTensor(new[] { rows[i].Pcm });
            Assert.Equal(expected.Length, outputs[i].Length);
            Assert.True(Metrics.RelativeL2(outputs[i], expected) < 1e-4);
        }
    }

    [Fact]
    public void PathColumnDecodesResamplesAndKeepsBothChannels()
    {
        float[] left = Tone(44100, 44100, 330), right = Tone(44100, 44100, 660);
        string wav = Path.Combine(_dir, "stereo.wav");
        WavWriter.WriteFloat32(wav, 44100, left, right);
        IDataView data = _ml.Data.LoadFromEnumerable(new[] { new PathRow { Audio = wav } });
        CqtTransformer model = _ml.Transforms.ExtractCqt("Cqt", "Audio").Fit(data);
        IDataView transformed = model.Transform(data);
        float[] actual = transformed.GetColumn<float[]>("Cqt").Single();
        float[] expected = new CqtExtractor().ComputeTensor(new[] { Resampler.Resample(left, 44100, 22050), Resampler.Resample(right, 44100, 22050) });
        Assert.True(Metrics.RelativeL2(actual, expected) < 1e-4);
        Assert.Null(transformed.Schema.GetColumnOrNull(AudioDecodingMapping.PcmColumn));
        Assert.Equal(new[] { "Audio", "Cqt" }, transformed.Schema.Select(c => c.Name));
    }

    [Fact]
    public void MaxDurationFixesTheSizeAndAnnotatesDimensions()
    {
        var options = new CqtEstimator.Options { InputColumnName = "Pcm", MaxDurationSeconds = 0.5 };
        IDataView data = _ml.Data.LoadFromEnumerable(new[] { new PcmRow { Pcm = Tone(22050, 30000, 440) }, new PcmRow { Pcm = Tone(22050, 2000, 440) } });
        IDataView transformed = _ml.Transforms.ExtractCqt(options).Fit(data).Transform(data);
        var type = (VectorDataViewType)transformed.Schema["Cqt"].Type;
        int frames = 1 + (11025 / 64);
        Assert.Equal(new[] { 2, 84, frames }, type.Dimensions.ToArray());
        Assert.All(transformed.GetColumn<float[]>("Cqt"), v => Assert.Equal(2 * 84 * frames, v.Length));

        // Cropping to 11025 samples equals the engine on the first 11025 samples.
        float[] first = transformed.GetColumn<float[]>("Cqt").First();
        float[] expected = new CqtExtractor().ComputeTensor(new[] { Tone(22050, 30000, 440)[..11025] });
        Assert.True(Metrics.RelativeL2(first, expected) < 1e-4);
    }

    [Fact]
    public void PathColumnIsTypedAsTheOnnxCqtTypesItAlsoAfterLoading()
    {
        string wav = Path.Combine(_dir, "typed.wav");
        WavWriter.WriteFloat32(wav, 44100, Tone(44100, 30000, 440), Tone(44100, 30000, 660));
        IDataView data = _ml.Data.LoadFromEnumerable(new[] { new PathRow { Audio = wav } });
        foreach ((double? seconds, int[] dimensions) in new (double?, int[])[] { (null, new[] { 0 }), (2.0, new[] { 2, 84, 1 + (44100 / 64) }) })
        {
            // The ONNX CQT (what a GPU runs; here ONNX Runtime's CPU after the fallback) defines the column's type.
            var onnx = (VectorDataViewType)_ml.Transforms.ExtractCqt(new CqtEstimator.Options { InputColumnName = "Audio", MaxDurationSeconds = seconds, GpuDeviceId = 0, FallbackToCpu = true }).Fit(data).Transform(data).Schema["Cqt"].Type;
            Assert.Equal(dimensions, onnx.Dimensions.ToArray());
            CqtTransformer model = _ml.Transforms.ExtractCqt(new CqtEstimator.Options { InputColumnName = "Audio", MaxDurationSeconds = seconds }).Fit(data);
            string zip = Path.Combine(_dir, $"typed-{seconds}.zip");
            _ml.Model.Save(model, data.Schema, zip);
            foreach (ITransformer transformer in new[] { model, _ml.Model.Load(zip, out _) })
            {
                IDataView transformed = transformer.Transform(data);
                Assert.Equal(onnx, transformed.Schema["Cqt"].Type);
                int frames = seconds is null ? 1 + (15001 / 64) : dimensions[2];
                Assert.Equal(2 * 84 * frames, transformed.GetColumn<float[]>("Cqt").Single().Length);
            }
        }
    }

    [Fact]
    public void SavedPipelineLoadsAndGivesTheSameOutput()
    {
        string wav = Path.Combine(_dir, "mono.wav");
        WavWriter.WriteFloat32(wav, 48000, Tone(48000, 30000, 523.25));
        IDataView data = _ml.Data.LoadFromEnumerable(new[] { new PathRow { Audio = wav } });
        var options = new CqtEstimator.Options { InputColumnName = "Audio", HopLength = 128, BinCount = 60, FMin = 55, Channels = CqtChannels.Complex };
        CqtTransformer model = _ml.Transforms.ExtractCqt(options).Fit(data);
        float[] before = model.Transform(data).GetColumn<float[]>("Cqt").Single();
        string zip = Path.Combine(_dir, "cqt.zip");
        _ml.Model.Save(model, data.Schema, zip);

        var fresh = new MLContext { TempFilePath = _dir };
        fresh.ComponentCatalog.RegisterAssembly(typeof(AudioDecodingMapping).Assembly);
        ITransformer loaded = fresh.Model.Load(zip, out _);
        float[] after = loaded.Transform(fresh.Data.LoadFromEnumerable(new[] { new PathRow { Audio = wav } })).GetColumn<float[]>("Cqt").Single();
        Assert.True(Metrics.RelativeL2(after, before) <= 1e-5);
    }

    [Fact]
    public void SavedPipelineGivesTheSameOutputInAFreshProcess()
    {
        string wav = Path.Combine(_dir, "fresh.wav");
        WavWriter.WriteFloat32(wav, 44100, Tone(44100, 40000, 261.63), Tone(44100, 40000, 392));
        IDataView data = _ml.Data.LoadFromEnumerable(new[] { new PathRow { Audio = wav } });
        var options = new CqtEstimator.Options { InputColumnName = "Audio", OutputColumnName = "Features", SampleRate = 16000, HopLength = 80, BinCount = 72, BinsPerOctave = 24, FMin = 50 };
        CqtTransformer model = _ml.Transforms.ExtractCqt(options).Fit(data);
        float[] before = model.Transform(data).GetColumn<float[]>("Features").Single();
        string zip = Path.Combine(_dir, "fresh.zip"), output = Path.Combine(_dir, "fresh.f32");
        _ml.Model.Save(model, data.Schema, zip);

        string runner = ModelRunner();
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in new[] { runner, zip, wav, "Features", output })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, errors);
        byte[] bytes = File.ReadAllBytes(output);
        var after = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, after, 0, bytes.Length);
        Assert.True(Metrics.RelativeL2(after, before) <= 1e-5);
    }

    [Fact]
    public void ParallelCursorsGiveTheSameRowsAsOneCursor()
    {
        var rows = Enumerable.Range(0, 24).Select(i => new PcmRow { Pcm = Tone(22050, 4000 + (97 * i), 100 + (40 * i)) }).ToArray();
        IDataView data = _ml.Data.Cache(_ml.Data.LoadFromEnumerable(rows));
        IDataView transformed = _ml.Transforms.ExtractCqt(new CqtEstimator.Options { InputColumnName = "Pcm" }).Fit(data).Transform(data);
        float[][] serial = transformed.GetColumn<float[]>("Cqt").ToArray();

        DataViewSchema.Column column = transformed.Schema["Cqt"];
        DataViewRowCursor[] cursors = transformed.GetRowCursorSet(new[] { column }, 4);
        var seen = new System.Collections.Concurrent.ConcurrentBag<(long Row, float[] Value)>();
        Parallel.ForEach(cursors, cursor =>
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            var idGetter = cursor.GetIdGetter();
            VBuffer<float> value = default;
            DataViewRowId id = default;
            while (cursor.MoveNext())
            {
                getter(ref value);
                idGetter(ref id);
                seen.Add(((long)id.Low, value.DenseValues().ToArray()));
            }
        });

        Assert.Equal(rows.Length, seen.Count);
        foreach (var (row, value) in seen)
        {
            Assert.Equal(serial[row], value);
        }
    }

    [Fact]
    public void BadPathIsReportedWhenTheRowIsReachedNamingTheFile()
    {
        string missing = Path.Combine(_dir, "missing.wav");
        IDataView data = _ml.Data.LoadFromEnumerable(new[] { new PathRow { Audio = missing } });
        IDataView transformed = _ml.Transforms.ExtractCqt("Cqt", "Audio").Fit(data).Transform(data);
        Exception error = Assert.ThrowsAny<Exception>(() => transformed.GetColumn<float[]>("Cqt").ToList());
        Exception root = error;
        while (root is not AudioFormatException && root.InnerException is not null)
        {
            root = root.InnerException;
        }

        Assert.IsType<AudioFormatException>(root);
        Assert.Contains("missing.wav", root.Message);
    }

    [SkippableFact]
    public void GpuRequestFallsBackToCpuWhenAllowedAndFailsClearlyOtherwise()
    {
        // Without a usable CUDA device (no GPU, or the CUDA provider not loadable): fallback must work, refusal must explain.
        Skip.If(CqtMl.Onnx.Runtime.OnnxExecution.CudaProblem(0) is null, "This machine has a usable CUDA device: nothing to fall back from.");
        var rows = new[] { new PcmRow { Pcm = Tone(22050, 5000, 440) } };
        IDataView data = _ml.Data.LoadFromEnumerable(rows);
        var logged = new List<string>();
        Assert.Null(CqtMl.Onnx.Runtime.OnnxExecution.ResolveDevice(0, fallbackToCpu: true, logged.Add));
        Assert.Contains("falling back to the CPU", Assert.Single(logged));

        var fallback = new CqtEstimator.Options { InputColumnName = "Pcm", GpuDeviceId = 0, FallbackToCpu = true };
        float[] output = _ml.Transforms.ExtractCqt(fallback).Fit(data).Transform(data).GetColumn<float[]>("Cqt").Single();
        Assert.True(Metrics.RelativeL2(output, new CqtExtractor().ComputeTensor(new[] { rows[0].Pcm })) < 1e-4);

        var strict = new CqtEstimator.Options { InputColumnName = "Pcm", GpuDeviceId = 0 };
        var error = Assert.Throws<InvalidOperationException>(() => _ml.Transforms.ExtractCqt(strict).Fit(data));
        Assert.Contains("CUDA device 0", error.Message);
        Assert.Contains("FallbackToCpu", error.Message);
    }

    [Fact]
    public void MemoryDoesNotGrowWithTheNumberOfRows()
    {
        // 400 lazily generated one-second rows; each output is 232 KB, so holding them would cost about 90 MB.
        static IEnumerable<PcmRow> Rows()
        {
            for (int i = 0; i < 400; i++)
            {
                yield return new PcmRow { Pcm = Tone(22050, 22050, 200 + i) };
            }
        }

        IDataView data = _ml.Data.LoadFromEnumerable(Rows());
        IDataView transformed = _ml.Transforms.ExtractCqt(new CqtEstimator.Options { InputColumnName = "Pcm" }).Fit(data).Transform(data);
        using DataViewRowCursor cursor = transformed.GetRowCursor(transformed.Schema.Where(c => c.Name == "Cqt"));
        var getter = cursor.GetGetter<VBuffer<float>>(transformed.Schema["Cqt"]);
        VBuffer<float> value = default;
        long atFifty = 0, rows = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            if (++rows == 50)
            {
                atFifty = GC.GetTotalMemory(forceFullCollection: true);
            }
        }

        long atEnd = GC.GetTotalMemory(forceFullCollection: true);
        Assert.Equal(400, rows);
        Assert.True(atEnd - atFifty < 20_000_000, $"managed memory grew by {(atEnd - atFifty) / 1e6:F1} MB over 350 rows");
    }

    [Fact]
    public void OutputSchemaIsPredictedBeforeFitting()
    {
        IDataView pcm = _ml.Data.LoadFromEnumerable(new[] { new PcmRow { Pcm = Tone(22050, 3000, 440) } });
        SchemaShape shape = _ml.Transforms.ExtractCqt(new CqtEstimator.Options { InputColumnName = "Pcm", MaxDurationSeconds = 1 }).GetOutputSchema(ShapeOf(pcm.Schema));
        SchemaShape.Column column = shape.Single(c => c.Name == "Cqt");
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, column.Kind);
        Assert.Equal(NumberDataViewType.Single, column.ItemType);

        IDataView paths = _ml.Data.LoadFromEnumerable(new[] { new PathRow { Audio = "x.wav" } });
        SchemaShape pathShape = _ml.Transforms.ExtractCqt("Features", "Audio").GetOutputSchema(ShapeOf(paths.Schema));
        Assert.Equal(SchemaShape.Column.VectorKind.VariableVector, pathShape.Single(c => c.Name == "Features").Kind);
        Assert.DoesNotContain(pathShape, c => c.Name.StartsWith("__cqtml", StringComparison.Ordinal));
    }

    [Fact]
    public void WrongInputTypeIsAClearError()
    {
        IDataView data = _ml.Data.LoadFromEnumerable(new[] { new { Number = 3 } });
        var error = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => _ml.Transforms.ExtractCqt("Cqt", "Number").Fit(data));
        Assert.Contains("Number", error.Message);
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => _ml.Transforms.ExtractCqt(new CqtEstimator.Options { FMin = 9000 }));
    }

    [Fact]
    public void NothingIsDecodedBeforeACursorReachesARow()
    {
        string wav = Path.Combine(_dir, "lazy.wav");
        WavWriter.WriteFloat32(wav, 22050, Tone(22050, 5000, 440));
        int produced = 0;
        IEnumerable<PathRow> Rows()
        {
            for (int i = 0; i < 3; i++)
            {
                produced++;
                yield return new PathRow { Audio = wav };
            }
        }

        IDataView data = _ml.Data.LoadFromEnumerable(Rows());
        IDataView transformed = _ml.Transforms.ExtractCqt("Cqt", "Audio").Fit(data).Transform(data);
        Assert.Equal(0, produced);
        Assert.Equal(3, transformed.GetColumn<float[]>("Cqt").Count());
        Assert.True(produced >= 3);
    }

    /// <summary>The fresh-process model runner, built next to this test project.</summary>
    internal static string ModelRunner()
    {
        // tests/CqtMl.MLNet.Tests/bin/<configuration>/net10.0 -> tests/CqtMl.MLNet.ModelRunner/bin/<configuration>/net10.0
        var testBin = new DirectoryInfo(AppContext.BaseDirectory);
        string configuration = testBin.Parent!.Name;
        string runner = Path.Combine(testBin.Parent.Parent!.Parent!.Parent!.FullName, "CqtMl.MLNet.ModelRunner", "bin", configuration, testBin.Name, "CqtMl.MLNet.ModelRunner.dll");
        Assert.True(File.Exists(runner), $"model runner not built at {runner}");
        return runner;
    }

    /// <summary>SchemaShape.Create is internal to ML.NET (its own pipelines call it); reach it the same way.</summary>
    internal static SchemaShape ShapeOf(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static, new[] { typeof(DataViewSchema) })!.Invoke(null, new object[] { schema })!;

    internal static float[] Tone(int rate, int length, double frequency) =>
        Enumerable.Range(0, length).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * frequency * i / rate))).ToArray();

    public sealed class PcmRow
    {
        [VectorType]
        public float[] Pcm { get; set; } = Array.Empty<float>();
    }

    public sealed class PathRow
    {
        public string Audio { get; set; } = string.Empty;
    }
}
