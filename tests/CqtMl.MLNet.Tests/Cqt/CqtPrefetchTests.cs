using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;
using CqtMl.Audio.IO;
using CqtMl.MLNet.DataSources;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CqtMl.MLNet.Tests.Cqt;

/// <summary>
/// ExtractCqt over many files computes several at once (one per processor, ahead of the cursor) without changing
/// rows, order or values, reports a bad file at its own row, and leaves nothing behind when a cursor stops early.
/// </summary>
public class CqtPrefetchTests : IDisposable
{
    private readonly MLContext _ml = new(seed: 1);
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-prefetch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ParallelFilesGiveExactlyTheRowsOfOneFileAtATime()
    {
        CqtEstimatorTests.PathRow[] rows = Files(9);
        IDataView data = _ml.Data.LoadFromEnumerable(rows);
        List<float[]> sequential = Cqts(data, filesInParallel: 1);
        List<float[]> parallel = Cqts(data, filesInParallel: 4);
        Assert.Equal(rows.Length, parallel.Count);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(sequential[i], parallel[i]);
            Assert.Equal(AudioCqtStream.ComputeTensor(rows[i].Audio, new CqtExtractor()).Tensor, parallel[i]);
        }

        Assert.Equal(0, CqtPrefetch.PendingUnder(_dir));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void RowsReadThroughACursorStayIntactWhileLaterRowsReuseTheirArrays(int filesInParallel)
    {
        // The engine's arrays are reused from row to row; a value read out of a row must not change afterwards.
        CqtEstimatorTests.PathRow[] rows = Files(7);
        IDataView data = _ml.Data.LoadFromEnumerable(rows);
        using CqtTransformer model = _ml.Transforms.ExtractCqt(new CqtEstimator.Options { InputColumnName = "Audio", FilesInParallel = filesInParallel }).Fit(data);
        IDataView transformed = model.Transform(data);
        var read = new List<VBuffer<float>>();
        using (DataViewRowCursor cursor = transformed.GetRowCursor(transformed.Schema))
        {
            ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(transformed.Schema["Cqt"]);
            while (cursor.MoveNext())
            {
                VBuffer<float> value = default;
                getter(ref value);
                read.Add(value);
            }
        }

        Assert.Equal(rows.Length, read.Count);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(AudioCqtStream.ComputeTensor(rows[i].Audio, new CqtExtractor()).Tensor, read[i].DenseValues());
        }
    }

    [SkippableFact]
    public void AnFmaFolderGivesTheSameCqtsInParallel()
    {
        SharedData.SkipIfMissing();
        IDataView data = _ml.Data.LoadFromFma(SharedData.Fixture("fma"), FmaSubset.Small);
        var options = new CqtEstimator.Options { InputColumnName = "Path", MaxDurationSeconds = 5 };
        List<float[]> sequential = _ml.Transforms.ExtractCqt(new CqtEstimator.Options { InputColumnName = "Path", MaxDurationSeconds = 5, FilesInParallel = 1 }).Fit(data).Transform(data).GetColumn<float[]>("Cqt").ToList();
        List<float[]> parallel = _ml.Transforms.ExtractCqt(options).Fit(data).Transform(data).GetColumn<float[]>("Cqt").ToList();
        Assert.True(parallel.Count >= 5, $"{parallel.Count} tracks");
        Assert.Equal(sequential, parallel);
    }

    [Fact]
    public void ABadFileIsReportedNamingItAndNoRowAfterItIsDelivered()
    {
        CqtEstimatorTests.PathRow[] rows = Files(6);
        string bad = Path.Combine(_dir, "bad.wav");
        File.WriteAllText(bad, "not audio");
        rows[3] = new CqtEstimatorTests.PathRow { Audio = bad };
        IDataView transformed = _ml.Transforms.ExtractCqt(new CqtEstimator.Options { InputColumnName = "Audio", FilesInParallel = 3 }).Fit(_ml.Data.LoadFromEnumerable(rows)).Transform(_ml.Data.LoadFromEnumerable(rows));
        int seen = 0;
        Exception error = Assert.ThrowsAny<Exception>(() =>
        {
            foreach (float[] cqt in transformed.GetColumn<float[]>("Cqt"))
            {
                Assert.NotEmpty(cqt);
                seen++;
            }
        });
        while (error is not AudioFormatException && error.InnerException is not null)
        {
            error = error.InnerException;
        }

        // ML.NET's own consolidating cursor may compute rows ahead too, so the error can surface before row 3 is read.
        Assert.True(seen <= 3, $"{seen} rows before the bad one");
        Assert.IsType<AudioFormatException>(error);
        Assert.Contains("bad.wav", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, CqtPrefetch.PendingUnder(_dir));
    }

    [Fact]
    public void ACursorStoppedEarlyLeavesNothingComputedBehind()
    {
        IDataView data = _ml.Data.LoadFromEnumerable(Files(12));
        IDataView transformed = _ml.Transforms.ExtractCqt(new CqtEstimator.Options { InputColumnName = "Audio", FilesInParallel = 4 }).Fit(data).Transform(data);
        Assert.Equal(2, transformed.GetColumn<float[]>("Cqt").Take(2).Count());
        Assert.Equal(0, CqtPrefetch.PendingUnder(_dir));
    }

    [Fact]
    public void TheNativeEngineAgreesWithTheOnnxGraph()
    {
        IDataView data = _ml.Data.LoadFromEnumerable(Files(2));
        List<float[]> native = Cqts(data, filesInParallel: null);
        List<float[]> onnx = _ml.Transforms.ExtractCqt(new CqtEstimator.Options { InputColumnName = "Audio", GpuDeviceId = 0, FallbackToCpu = true }).Fit(data).Transform(data).GetColumn<float[]>("Cqt").ToList();
        for (int i = 0; i < native.Count; i++)
        {
            Assert.True(Metrics.RelativeL2(onnx[i], native[i]) < 1e-4);
        }
    }

    private List<float[]> Cqts(IDataView data, int? filesInParallel) =>
        _ml.Transforms.ExtractCqt(new CqtEstimator.Options { InputColumnName = "Audio", FilesInParallel = filesInParallel }).Fit(data).Transform(data).GetColumn<float[]>("Cqt").ToList();

    /// <summary>Stereo WAV files of different rates, lengths and pitches.</summary>
    private CqtEstimatorTests.PathRow[] Files(int count) => Enumerable.Range(0, count).Select(i =>
    {
        int rate = i % 2 == 0 ? 44100 : 48000;
        string path = Path.Combine(_dir, $"track{i}.wav");
        WavWriter.WriteFloat32(path, rate, CqtEstimatorTests.Tone(rate, rate / 2 + (i * 1000), 220 * (1 + i)), CqtEstimatorTests.Tone(rate, rate / 2 + (i * 1000), 330 * (1 + i)));
        return new CqtEstimatorTests.PathRow { Audio = path };
    }).ToArray();
}
