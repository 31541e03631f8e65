using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CqtMl.Torch.Generator;

/// <summary>
/// The block's feed-forward network: fc1, exact GELU, dropout, fc2 (timm's <c>Mlp</c>). Inference-time dropout
/// multiplies the hidden units by a given mask instead, so that ONNX Runtime can apply the very same mask.
/// </summary>
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

    public override Tensor forward(Tensor x) => Forward(x, null);

    /// <summary>The forward pass; <paramref name="hiddenMask"/> (broadcastable to the hidden units) replaces dropout when given.</summary>
    public Tensor Forward(Tensor x, Tensor? hiddenMask)
    {
        using var scope = NewDisposeScope();
        Tensor hidden = nn.functional.gelu(fc1.forward(x));
        hidden = hiddenMask is null ? drop.forward(hidden) : hidden * hiddenMask;
        return drop.forward(fc2.forward(hidden)).MoveToOuterDisposeScope();
    }
}
