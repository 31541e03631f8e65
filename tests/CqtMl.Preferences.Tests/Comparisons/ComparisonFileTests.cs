using System.Text.Json.Serialization;
using CqtMl.Preferences.Comparisons;
using Parquet.Serialization;

namespace CqtMl.Preferences.Tests.Comparisons;

/// <summary>Comparison datasets: round trip, row groups, and a clear error naming the file and pair for every malformed input.</summary>
public class ComparisonFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-pairs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static ComparisonRow Row(int i, int frames = 5) => new()
    {
        PairId = $"s1-p{i:D6}", Source = "a/b.wav", OffsetSeconds = 1.25 * i, DurationSeconds = 2, Frames = frames, SampleRate = 22050, HopLength = 64,
        Bins = 84, BinsPerOctave = 12, FMin = 32.70319566257483, GeneratorSha256 = "ab", ASeed = -5 - i, ATemperature = 0.7, ADropout = 0.1, ACoherence = 0.5,
        AControls = Enumerable.Range(0, 4 * frames).Select(v => (v % 16) / 15f).ToArray(), BSeed = long.MaxValue - i, BTemperature = 1.3, BDropout = 0, BCoherence = 0,
        BControls = Enumerable.Range(0, 4 * frames).Select(v => ((v + i) % 16) / 15f).ToArray(),
        Label = i % 2 == 0 ? null : "tie", Judge = i % 2 == 0 ? null : "person", LabelledAt = i % 2 == 0 ? null : new DateTime(2026, 11, 29, 10, 0, 0, 123, DateTimeKind.Utc),
    };

    [Fact]
    public void RowsRoundTripExactlyInRowGroups()
    {
        string path = Path.Combine(_dir, "pairs.parquet");
        ComparisonRow[] rows = Enumerable.Range(0, 5).Select(i => Row(i)).ToArray();
        Assert.Equal(5, ComparisonFile.Write(path, rows, rowGroupSize: 2));
        Assert.Equal(3, ComparisonFile.RowGroupCount(path));
        List<ComparisonRow> back = ComparisonFile.ReadAll(path);
        Assert.Equal(rows.Length, back.Count);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equivalent(rows[i], back[i], strict: true);
        }

        Assert.Equal(DateTimeKind.Utc, back[1].LabelledAt!.Value.Kind);
        Assert.Empty(Directory.GetFiles(_dir, "*.cqtml-tmp"));
    }

    [Fact]
    public void MalformedRowsAreErrorsNamingThePair()
    {
        string path = Path.Combine(_dir, "bad.parquet");
        foreach ((Action<ComparisonRow> spoil, string expected) in new (Action<ComparisonRow>, string)[]
        {
            (r => r.AControls = r.AControls[..^1], "a_controls has 19 values, expected 4 x 5 frames"),
            (r => r.BControls[3] = float.NaN, "b_controls has a non-finite value (NaN) at index 3"),
            (r => r.Label = "maybe", "label 'maybe' is not a, b or tie"),
            (r => r.Frames = 0, "invalid CQT description"),
            (r => r.Source = string.Empty, "invalid clip"),
        })
        {
            ComparisonRow row = Row(3);
            spoil(row);
            ComparisonFile.Write(path, new[] { Row(2), row });
            var error = Assert.Throws<InvalidDataException>(() => ComparisonFile.ReadAll(path));
            Assert.Contains($"{path}: pair 's1-p000003'", error.Message);
            Assert.Contains(expected, error.Message);
        }

        ComparisonFile.Write(path, new[] { Row(2), Row(2) });
        Assert.Contains("appears more than once", Assert.Throws<InvalidDataException>(() => ComparisonFile.ReadAll(path)).Message);
    }

    [Fact]
    public async Task MissingOrExtraColumnsAndOtherFilesAreErrorsNamingTheFile()
    {
        string missing = Path.Combine(_dir, "missing.parquet"), extra = Path.Combine(_dir, "extra.parquet"), text = Path.Combine(_dir, "text.parquet");
        await ParquetSerializer.SerializeAsync(new[] { new OnlyId { PairId = "x" } }, missing);
        await ParquetSerializer.SerializeAsync(new[] { new WithMood() }, extra);
        File.WriteAllText(text, "pair_id,label\n");
        Assert.Contains($"{missing}: not a comparison dataset: missing column(s) source, offset_seconds", Assert.Throws<InvalidDataException>(() => ComparisonFile.ReadAll(missing)).Message);
        Assert.Contains($"{extra}: unexpected column(s) mood", Assert.Throws<InvalidDataException>(() => ComparisonFile.ReadAll(extra)).Message);
        Assert.Contains($"{text}: not a readable comparison dataset", Assert.Throws<InvalidDataException>(() => ComparisonFile.ReadAll(text)).Message);
        Assert.Throws<FileNotFoundException>(() => ComparisonFile.ReadAll(Path.Combine(_dir, "none.parquet")));
    }

    private sealed class OnlyId
    {
        [JsonPropertyName(ComparisonColumns.PairId)]
        public string PairId { get; set; } = string.Empty;
    }

    private sealed class WithMood : ComparisonRow
    {
        [JsonPropertyName("mood")]
        [JsonPropertyOrder(1)]
        public string Mood { get; set; } = "calm";
    }
}
