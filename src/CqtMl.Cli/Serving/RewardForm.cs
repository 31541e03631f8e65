using Microsoft.AspNetCore.Http;

namespace CqtMl.Cli.Serving;

/// <summary>The form of <c>POST /v1/reward</c>: the audio and the controls to score, a float32 <c>.npy</c> of <c>[N, 4, T]</c> or <c>[4, T]</c>.</summary>
public sealed class RewardForm : CqtForm
{
    /// <summary>Gets or sets the controls file (<c>.npy</c>, as <c>/v1/controls</c> or <c>cqtml generate</c> writes it).</summary>
    public IFormFile? Controls { get; set; }
}
