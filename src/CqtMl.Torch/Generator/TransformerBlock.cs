using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CqtMl.Torch.Generator;

/// <summary>
/// A pre-norm transformer block: x + attn(norm1(x)), then x + mlp(norm2(x)) (timm's <c>Block</c>); without attention
/// (<see cref="GeneratorConfig.Attention"/> false) only the second half, and no <c>norm1</c> or <c>attn</c> parameters.
/// </summary>
internal sealed class TransformerBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm? norm1;
    private readonly Attention? attn;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly Dropout drop_path;

    public TransformerBlock(GeneratorConfig config)
        : base(nameof(TransformerBlock))
    {
        if (config.Attention)
        {
            norm1 = nn.LayerNorm(config.EmbedDim, eps: 1e-6);
            attn = new Attention(config.EmbedDim, config.Heads, config.Dropout);
        }

        norm2 = nn.LayerNorm(config.EmbedDim, eps: 1e-6);
        mlp = new Mlp(config.EmbedDim, config.MlpDim, config.Dropout);
        drop_path = nn.Dropout(config.Dropout);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => Forward(x, null);

    /// <summary>The forward pass; <paramref name="mlpMask"/> is the MLP's inference-time dropout mask or null.</summary>
    public Tensor Forward(Tensor x, Tensor? mlpMask)
    {
        using var scope = NewDisposeScope();
        Tensor h = attn is null || norm1 is null ? x : x.Plus(drop_path.forward(attn.forward(norm1.forward(x))));
        return h.Plus(drop_path.forward(mlp.Forward(norm2.forward(h), mlpMask))).MoveToOuterDisposeScope();
    }
}
