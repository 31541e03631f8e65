using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CqtMl.Torch.Generator;

/// <summary>Multi-head self-attention with a fused qkv projection (timm's <c>Attention</c>; weights qkv, proj).</summary>
internal sealed class Attention : nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly Dropout attn_drop;
    private readonly int _heads;
    private readonly double _scale;

    public Attention(int dim, int heads, double dropout)
        : base(nameof(Attention))
    {
        _heads = heads;
        _scale = 1.0 / Math.Sqrt(dim / heads);
        qkv = nn.Linear(dim, 3 * dim, hasBias: true);
        proj = nn.Linear(dim, dim, hasBias: true);
        attn_drop = nn.Dropout(dropout);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], n = x.shape[1], c = x.shape[2];
        Tensor parts = qkv.forward(x).reshape(b, n, 3, _heads, c / _heads).permute(2, 0, 3, 1, 4);
        Tensor q = parts[0], k = parts[1], v = parts[2];
        Tensor weights = attn_drop.forward(q.matmul(k.transpose(-2, -1)).Times(_scale).softmax(-1));
        Tensor mixed = weights.matmul(v).transpose(1, 2).reshape(b, n, c);
        return proj.forward(mixed).MoveToOuterDisposeScope();
    }
}
