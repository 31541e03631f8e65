using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;

namespace CqtMl.Preferences.Comparisons;

/// <summary>
/// One row of a comparison dataset (see <see cref="ComparisonColumns"/>): a clip, the CQT and generator it was
/// sampled with, two stochastic samples with everything needed to regenerate them, and an optional label.
/// </summary>
public class ComparisonRow
{
    /// <summary>Gets or sets the pair's id (unique in a dataset).</summary>
    [JsonPropertyName(ComparisonColumns.PairId)]
    public string PairId { get; set; } = string.Empty;

    /// <summary>Gets or sets the audio file relative to the data root, '/' separators.</summary>
    [JsonPropertyName(ComparisonColumns.Source)]
    public string Source { get; set; } = string.Empty;

    /// <summary>Gets or sets the clip's start in seconds.</summary>
    [JsonPropertyName(ComparisonColumns.OffsetSeconds)]
    public double OffsetSeconds { get; set; }

    /// <summary>Gets or sets the clip's length in seconds.</summary>
    [JsonPropertyName(ComparisonColumns.DurationSeconds)]
    public double DurationSeconds { get; set; }

    /// <summary>Gets or sets T, the clip's CQT frames.</summary>
    [JsonPropertyName(ComparisonColumns.Frames)]
    public int Frames { get; set; }

    /// <summary>Gets or sets the CQT's sample rate.</summary>
    [JsonPropertyName(ComparisonColumns.SampleRate)]
    public int SampleRate { get; set; }

    /// <summary>Gets or sets the CQT's hop length.</summary>
    [JsonPropertyName(ComparisonColumns.HopLength)]
    public int HopLength { get; set; }

    /// <summary>Gets or sets the CQT's bins.</summary>
    [JsonPropertyName(ComparisonColumns.Bins)]
    public int Bins { get; set; }

    /// <summary>Gets or sets the CQT's bins per octave.</summary>
    [JsonPropertyName(ComparisonColumns.BinsPerOctave)]
    public int BinsPerOctave { get; set; }

    /// <summary>Gets or sets the CQT's lowest frequency in Hz.</summary>
    [JsonPropertyName(ComparisonColumns.FMin)]
    public double FMin { get; set; }

    /// <summary>Gets or sets the SHA-256 of the generator's ONNX file.</summary>
    [JsonPropertyName(ComparisonColumns.GeneratorSha256)]
    public string GeneratorSha256 { get; set; } = string.Empty;

    /// <summary>Gets or sets sample A's seed.</summary>
    [JsonPropertyName(ComparisonColumns.A + ComparisonColumns.Seed)]
    public long ASeed { get; set; }

    /// <summary>Gets or sets sample A's temperature.</summary>
    [JsonPropertyName(ComparisonColumns.A + ComparisonColumns.Temperature)]
    public double ATemperature { get; set; }

    /// <summary>Gets or sets sample A's inference-time dropout.</summary>
    [JsonPropertyName(ComparisonColumns.A + ComparisonColumns.Dropout)]
    public double ADropout { get; set; }

    /// <summary>Gets or sets sample A's noise correlation time in seconds.</summary>
    [JsonPropertyName(ComparisonColumns.A + ComparisonColumns.Coherence)]
    public double ACoherence { get; set; }

    /// <summary>Gets or sets sample A's controls <c>[4, T]</c>, row-major.</summary>
    [JsonPropertyName(ComparisonColumns.A + ComparisonColumns.Controls)]
    [ParquetListElementRequired]
    public float[] AControls { get; set; } = Array.Empty<float>();

    /// <summary>Gets or sets sample B's seed.</summary>
    [JsonPropertyName(ComparisonColumns.B + ComparisonColumns.Seed)]
    public long BSeed { get; set; }

    /// <summary>Gets or sets sample B's temperature.</summary>
    [JsonPropertyName(ComparisonColumns.B + ComparisonColumns.Temperature)]
    public double BTemperature { get; set; }

    /// <summary>Gets or sets sample B's inference-time dropout.</summary>
    [JsonPropertyName(ComparisonColumns.B + ComparisonColumns.Dropout)]
    public double BDropout { get; set; }

    /// <summary>Gets or sets sample B's noise correlation time in seconds.</summary>
    [JsonPropertyName(ComparisonColumns.B + ComparisonColumns.Coherence)]
    public double BCoherence { get; set; }

    /// <summary>Gets or sets sample B's controls <c>[4, T]</c>, row-major.</summary>
    [JsonPropertyName(ComparisonColumns.B + ComparisonColumns.Controls)]
    [ParquetListElementRequired]
    public float[] BControls { get; set; } = Array.Empty<float>();

    /// <summary>Gets or sets the label: null, "a", "b" or "tie".</summary>
    [JsonPropertyName(ComparisonColumns.Label)]
    public string? Label { get; set; }

    /// <summary>Gets or sets who labelled the pair, or null.</summary>
    [JsonPropertyName(ComparisonColumns.Judge)]
    public string? Judge { get; set; }

    /// <summary>Gets or sets when the pair was labelled (UTC), or null.</summary>
    [JsonPropertyName(ComparisonColumns.LabelledAt)]
    [ParquetTimestamp(ParquetTimestampResolution.Milliseconds, useLogicalTimestamp: true, isAdjustedToUTC: true)]
    public DateTime? LabelledAt { get; set; }

    /// <summary>Gets the clip's identity (source and offset), which validation splits keep on one side.</summary>
    [JsonIgnore]
    [ParquetIgnore]
    public string ClipKey => FormattableString.Invariant($"{Source}@{OffsetSeconds:R}");

    /// <summary>Gets the label as a <see cref="PreferenceLabel"/>, or null when unlabelled.</summary>
    /// <returns>The label or null.</returns>
    /// <exception cref="InvalidDataException">The label is not "a", "b" or "tie".</exception>
    public PreferenceLabel? ParsedLabel() => Label is null ? null
        : PreferenceLabels.TryParse(Label, out PreferenceLabel label) ? label
        : throw new InvalidDataException($"pair {PairId}: label '{Label}' is not a, b or tie");
}
