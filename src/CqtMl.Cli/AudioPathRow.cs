namespace CqtMl.Cli;

/// <summary>One ML.NET input row: an audio file's path (the "Path" column ExtractCqt reads).</summary>
internal sealed class AudioPathRow
{
    /// <summary>Gets or sets the audio file's path.</summary>
    public string Path { get; set; } = string.Empty;
}
