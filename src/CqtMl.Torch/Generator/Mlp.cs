using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CqtMl.Torch.Generator;

/// <summary>The block's feed-forward network: fc1, exact GELU, dropout, fc2 (timm's <c>Mlp</c>).</summary>
internal sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Dropout drop;

    public Mlp(int dim, int hidden, double dropout)
        : base(nameof(Mlp))
    {
        fc1 = nn.Linear(dim, hidden, hasBias: true);
        fc2 = nn.Linear(hidden, dim, hasBias: true);
        drop = nn.Dropout(dropout);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return drop.forward(fc2.forward(drop.forward(nn.functional.gelu(fc1.forward(x))))).MoveToOuterDisposeScope();
    }
}
