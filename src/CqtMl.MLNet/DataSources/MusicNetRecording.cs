namespace CqtMl.MLNet;

/// <summary>
/// One row of a MusicNet-layout data set: a recording, its metadata and its note labels (one vector entry per note;
/// times in samples at 44.1 kHz, as in MusicNet's label files).
/// </summary>
public sealed class MusicNetRecording
{
    /// <summary>Gets or sets the recording id (the file name without extension).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Gets or sets the full path of the WAV file.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Gets or sets the split, <c>train</c> or <c>test</c>.</summary>
    public string Split { get; set; } = string.Empty;

    /// <summary>Gets or sets the duration in seconds from the metadata (0 when unknown).</summary>
    public float Seconds { get; set; }

    /// <summary>Gets or sets the composer.</summary>
    public string Composer { get; set; } = string.Empty;

    /// <summary>Gets or sets the composition.</summary>
    public string Composition { get; set; } = string.Empty;

    /// <summary>Gets or sets the ensemble.</summary>
    public string Ensemble { get; set; } = string.Empty;

    /// <summary>Gets or sets each note's start time in samples at 44.1 kHz (<c>start_time</c>).</summary>
    public long[] StartTime { get; set; } = Array.Empty<long>();

    /// <summary>Gets or sets each note's end time in samples at 44.1 kHz (<c>end_time</c>).</summary>
    public long[] EndTime { get; set; } = Array.Empty<long>();

    /// <summary>Gets or sets each note's General MIDI instrument (<c>instrument</c>).</summary>
    public int[] Instrument { get; set; } = Array.Empty<int>();

    /// <summary>Gets or sets each note's MIDI pitch (<c>note</c>).</summary>
    public int[] Note { get; set; } = Array.Empty<int>();

    /// <summary>Gets or sets each note's start in beats (<c>start_beat</c>).</summary>
    public float[] StartBeat { get; set; } = Array.Empty<float>();

    /// <summary>Gets or sets each note's length in beats (<c>end_beat</c>).</summary>
    public float[] EndBeat { get; set; } = Array.Empty<float>();

    /// <summary>Gets or sets each note's written value, e.g. Quarter (<c>note_value</c>).</summary>
    public string[] NoteValue { get; set; } = Array.Empty<string>();
}
