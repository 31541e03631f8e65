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

/// <summary>The form of <c>POST /v1/controls</c>: the audio and the generation options (as <c>cqtml generate</c>'s flags).</summary>
public sealed class ControlsForm : CqtForm
{
    /// <summary>Gets or sets <c>deterministic</c> (default) or <c>stochastic</c>.</summary>
    public string? Mode { get; set; }

    /// <summary>Gets or sets the sampling temperature (stochastic).</summary>
    public double? Temperature { get; set; }

    /// <summary>Gets or sets the seed (stochastic).</summary>
    public long? Seed { get; set; }

    /// <summary>Gets or sets the samples drawn (stochastic).</summary>
    public int? Samples { get; set; }

    /// <summary>Gets or sets the inference-time dropout probability (stochastic).</summary>
    public double? Dropout { get; set; }

    /// <summary>Gets or sets the correlation time of the sampling noise in seconds (stochastic).</summary>
    public double? Coherence { get; set; }
}

/// <summary>The form of <c>POST /v1/reward</c>: the audio and the controls to score, a float32 <c>.npy</c> of <c>[N, 4, T]</c> or <c>[4, T]</c>.</summary>
public sealed class RewardForm : CqtForm
{
    /// <summary>Gets or sets the controls file (<c>.npy</c>, as <c>/v1/controls</c> or <c>cqtml generate</c> writes it).</summary>
    public IFormFile? Controls { get; set; }
}
