namespace CqtMl.Cli.Serving;

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
