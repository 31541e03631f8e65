using System.Text.Json.Serialization;

namespace CqtMl.Cli.Extraction;

/// <summary>
/// One track in <c>--format parquet</c>: a one-row Parquet file per track (a folder of them reads as one table in
/// pyarrow, Spark or DuckDB). The tensors are flattened row-major with their shapes beside them.
/// </summary>
internal sealed class ExtractedTrackRow
{
    /// <summary>Gets or sets the track's id.</summary>
    [JsonPropertyName("track_id")]
    public string TrackId { get; set; } = string.Empty;

    /// <summary>Gets or sets the audio file, relative to the data root.</summary>
    [JsonPropertyName("source")]
    public string Source { get; set; } = string.Empty;

    /// <summary>Gets or sets the CQT's frame count T.</summary>
    [JsonPropertyName("frames")]
    public int Frames { get; set; }

    /// <summary>Gets or sets the CQT's bin count.</summary>
    [JsonPropertyName("bins")]
    public int Bins { get; set; }

    /// <summary>Gets or sets the CQT <c>[2, bins, T]</c>, row-major.</summary>
    [JsonPropertyName("cqt")]
    public float[] Cqt { get; set; } = Array.Empty<float>();

    /// <summary>Gets or sets the register targets <c>[4, T]</c> row-major (MusicNet layouts), or empty.</summary>
    [JsonPropertyName("targets")]
    public float[] Targets { get; set; } = Array.Empty<float>();
}
