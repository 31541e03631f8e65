namespace CqtMl.Audio.Decoding;

/// <summary>
/// The one exception every decoder throws for input it cannot decode correctly: empty, truncated, corrupt,
/// unsupported or unreadable audio. The message names the file and the reason.
/// </summary>
public sealed class AudioFormatException : IOException
{
    /// <summary>Initializes a new instance naming <paramref name="path"/> and <paramref name="reason"/>.</summary>
    /// <param name="path">The file (or stream name) that could not be decoded.</param>
    /// <param name="reason">What is wrong with it, in a few words.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public AudioFormatException(string path, string reason, Exception? inner = null)
        : base($"{path}: {reason}", inner)
    {
        FilePath = path;
        Reason = reason;
    }

    /// <summary>Gets the file that could not be decoded.</summary>
    public string FilePath { get; }

    /// <summary>Gets what is wrong with it.</summary>
    public string Reason { get; }

    /// <summary>
    /// Gets a value indicating whether the file itself looked sound but the managed decoder could not reproduce it
    /// exactly (so decoding it with ffmpeg is worth a try).
    /// </summary>
    public bool IsDecoderLimitation { get; init; }
}
