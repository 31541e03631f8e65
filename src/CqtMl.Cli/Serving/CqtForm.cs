using Microsoft.AspNetCore.Http;

namespace CqtMl.Cli.Serving;

/// <summary>The form of <c>POST /v1/cqt</c> (multipart/form-data): an audio file and an optional clip of it.</summary>
public class CqtForm
{
    /// <summary>Gets or sets the audio file (WAV, MP3, Ogg Vorbis; other formats through ffmpeg when installed).</summary>
    public IFormFile? Audio { get; set; }

    /// <summary>Gets or sets where the clip starts, in seconds (default: the start).</summary>
    public double? Offset { get; set; }

    /// <summary>Gets or sets the clip's length in seconds (default: to the end).</summary>
    public double? Duration { get; set; }
}
