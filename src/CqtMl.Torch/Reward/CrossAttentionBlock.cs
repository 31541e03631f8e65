using CqtMl.Torch.Generator;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CqtMl.Torch.Reward;

/// <summary>
/// A pre-norm cross-attention block: control tokens x attend to CQT tokens c, x + proj(attn(q(norm1(x)),
/// kv(norm_context(c)))), then x + mlp(norm2(x)) (weights norm1, norm_context, q, kv, proj, norm2, mlp.fc1, mlp.fc2).
/// </summary>
internal sealed class CrossAttentionBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly LayerNorm norm_context;
    private readonly Linear q;
    private readonly Linear kv;
    private readonly Linear proj;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly int _heads;

    public CrossAttentionBlock(GeneratorConfig config)
        : base(nameof(CrossAttentionBlock))
    {
        int d = config.EmbedDim;
        _heads = config.Heads;
        norm1 = nn.LayerNorm(d, eps: 1e-6);
        norm_context = nn.LayerNorm(d, eps: 1e-6);
        q = nn.Linear(d, d, hasBias: true);
        kv = nn.Linear(d, 2 * d, hasBias: true);
        proj = nn.Linear(d, d, hasBias: true);
        norm2 = nn.LayerNorm(d, eps: 1e-6);
        mlp = new Mlp(d, config.MlpDim, config.Dropout);
        RegisterComponents();
    }

    /// <summary>Not used: the block needs the CQT tokens too.</summary>
    public override Tensor forward(Tensor x) => throw new NotSupportedException("Use Forward(x, context).");

    /// <summary>The forward pass.</summary>
    /// <param name="x">Control tokens <c>[B, N, D]</c>.</param>
    /// <param name="context">CQT tokens <c>[B, M, D]</c>.</param>
    /// <returns>Control tokens <c>[B, N, D]</c>.</returns>
    public Tensor Forward(Tensor x, Tensor context)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], n = x.shape[1], d = x.shape[2], m = context.shape[1], hd = d / _heads;
        Tensor query = q.forward(norm1.forward(x)).reshape(b, n, _heads, hd).transpose(1, 2);
        Tensor keysValues = kv.forward(norm_context.forward(context)).reshape(b, m, 2, _heads, hd).permute(2, 0, 3, 1, 4);
        Tensor weights = query.matmul(keysValues[0].transpose(-2, -1)).Times(1.0 / Math.Sqrt(hd)).softmax(-1);
        Tensor mixed = weights.matmul(keysValues[1]).transpose(1, 2).reshape(b, n, d);
        Tensor h = x.Plus(proj.forward(mixed));
        return h.Plus(mlp.forward(norm2.forward(h))).MoveToOuterDisposeScope();
    }
}
