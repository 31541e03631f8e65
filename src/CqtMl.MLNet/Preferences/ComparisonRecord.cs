using CqtMl.Preferences.Comparisons;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CqtMl.MLNet;

/// <summary>
/// One row of a comparison dataset as ML.NET sees it (<c>mlContext.Data.LoadComparisons</c>): the Parquet columns
/// (<see cref="ComparisonColumns"/>) under PascalCase names, controls as <c>Vector&lt;Single&gt;</c> <c>[4, T]</c>. An
/// unlabelled row has an empty <see cref="Label"/> and <see cref="Judge"/> and a <see cref="LabelledAt"/> of
/// <see cref="DateTime.MinValue"/> (ML.NET columns cannot be null).
/// </summary>
public sealed class ComparisonRecord
{
    /// <summary>Gets or sets the pair's id.</summary>
    public string PairId { get; set; } = string.Empty;

    /// <summary>Gets or sets the audio file relative to the data root.</summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>Gets or sets the clip's start in seconds.</summary>
    public double OffsetSeconds { get; set; }

    /// <summary>Gets or sets the clip's length in seconds.</summary>
    public double DurationSeconds { get; set; }

    /// <summary>Gets or sets T.</summary>
    public int Frames { get; set; }

    /// <summary>Gets or sets the CQT's sample rate.</summary>
    public int SampleRate { get; set; }

    /// <summary>Gets or sets the CQT's hop length.</summary>
    public int HopLength { get; set; }

    /// <summary>Gets or sets the CQT's bins.</summary>
    public int Bins { get; set; }

    /// <summary>Gets or sets the CQT's bins per octave.</summary>
    public int BinsPerOctave { get; set; }

    /// <summary>Gets or sets the CQT's lowest frequency.</summary>
    public double FMin { get; set; }

    /// <summary>Gets or sets the SHA-256 of the generator.</summary>
    public string GeneratorSha256 { get; set; } = string.Empty;

    /// <summary>Gets or sets sample A's seed.</summary>
    public long ASeed { get; set; }

    /// <summary>Gets or sets sample A's temperature.</summary>
    public double ATemperature { get; set; }

    /// <summary>Gets or sets sample A's dropout.</summary>
    public double ADropout { get; set; }

    /// <summary>Gets or sets sample A's coherence in seconds.</summary>
    public double ACoherence { get; set; }

    /// <summary>Gets or sets sample A's controls <c>[4, T]</c>.</summary>
    public float[] AControls { get; set; } = Array.Empty<float>();

    /// <summary>Gets or sets sample B's seed.</summary>
    public long BSeed { get; set; }

    /// <summary>Gets or sets sample B's temperature.</summary>
    public double BTemperature { get; set; }

    /// <summary>Gets or sets sample B's dropout.</summary>
    public double BDropout { get; set; }

    /// <summary>Gets or sets sample B's coherence in seconds.</summary>
    public double BCoherence { get; set; }

    /// <summary>Gets or sets sample B's controls <c>[4, T]</c>.</summary>
    public float[] BControls { get; set; } = Array.Empty<float>();

    /// <summary>Gets or sets the label: "a", "b", "tie", or empty when unlabelled.</summary>
    public string Label { get; set; } = string.Empty;

    /// <summary>Gets or sets who labelled the pair, or empty.</summary>
    public string Judge { get; set; } = string.Empty;

    /// <summary>Gets or sets when the pair was labelled (UTC), or <see cref="DateTime.MinValue"/>.</summary>
    public DateTime LabelledAt { get; set; }

    /// <summary>Converts a dataset row.</summary>
    /// <param name="row">The row.</param>
    /// <returns>The record.</returns>
    public static ComparisonRecord From(ComparisonRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new ComparisonRecord
        {
            PairId = row.PairId, Source = row.Source, OffsetSeconds = row.OffsetSeconds, DurationSeconds = row.DurationSeconds, Frames = row.Frames,
            SampleRate = row.SampleRate, HopLength = row.HopLength, Bins = row.Bins, BinsPerOctave = row.BinsPerOctave, FMin = row.FMin, GeneratorSha256 = row.GeneratorSha256,
            ASeed = row.ASeed, ATemperature = row.ATemperature, ADropout = row.ADropout, ACoherence = row.ACoherence, AControls = row.AControls,
            BSeed = row.BSeed, BTemperature = row.BTemperature, BDropout = row.BDropout, BCoherence = row.BCoherence, BControls = row.BControls,
            Label = row.Label ?? string.Empty, Judge = row.Judge ?? string.Empty, LabelledAt = row.LabelledAt ?? DateTime.MinValue,
        };
    }

    /// <summary>Converts back to a dataset row.</summary>
    /// <returns>The row.</returns>
    public ComparisonRow ToRow() => new()
    {
        PairId = PairId, Source = Source, OffsetSeconds = OffsetSeconds, DurationSeconds = DurationSeconds, Frames = Frames,
        SampleRate = SampleRate, HopLength = HopLength, Bins = Bins, BinsPerOctave = BinsPerOctave, FMin = FMin, GeneratorSha256 = GeneratorSha256,
        ASeed = ASeed, ATemperature = ATemperature, ADropout = ADropout, ACoherence = ACoherence, AControls = AControls,
        BSeed = BSeed, BTemperature = BTemperature, BDropout = BDropout, BCoherence = BCoherence, BControls = BControls,
        Label = Label.Length == 0 ? null : Label, Judge = Judge.Length == 0 ? null : Judge, LabelledAt = LabelledAt == DateTime.MinValue ? null : LabelledAt,
    };

    /// <summary>Reads every comparison of a view (as <c>LoadComparisons</c> gives it) and checks each row (<see cref="ComparisonFile.Check"/>).</summary>
    /// <param name="input">The comparisons.</param>
    /// <returns>The rows.</returns>
    internal static List<ComparisonRow> ReadRows(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        List<ComparisonRow> rows = new MLContext().Data.CreateEnumerable<ComparisonRecord>(input, reuseRowObject: false).Select(r => r.ToRow()).ToList();
        foreach (ComparisonRow row in rows)
        {
            ComparisonFile.Check("the comparisons", row);
        }

        return rows;
    }

    /// <summary>Checks that a schema has the two controls columns as vectors of Single (what trainers on comparisons read).</summary>
    /// <param name="inputSchema">The schema.</param>
    /// <exception cref="ArgumentOutOfRangeException">A controls column is missing or of another type.</exception>
    internal static void CheckControlsColumns(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        foreach (string name in new[] { nameof(AControls), nameof(BControls) })
        {
            SchemaShape.Column column = inputSchema.FirstOrDefault(c => c.Name == name);
            if (column.Name is null || column.Kind == SchemaShape.Column.VectorKind.Scalar || column.ItemType != NumberDataViewType.Single)
            {
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Column '{name}' must exist and be a vector of Single (load comparisons with LoadComparisons).");
            }
        }
    }
}
