using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Torch.Generator;

/// <summary>
/// Gradient checkpointing of one transformer block: the forward pass runs without recording activations and keeps
/// only the block's input; the backward pass runs the block again with gradients and back-propagates through that
/// recomputation (PyTorch's reentrant <c>torch.utils.checkpoint</c>). Memory for activations drops from every block's
/// intermediates to one input per block, at the cost of a second forward pass. The CPU random state is saved before
/// the forward pass and restored for the recomputation, so dropout drops the same units both times.
/// </summary>
internal sealed class CheckpointedBlock : autograd.SingleTensorFunction<CheckpointedBlock>
{
    private const string BlockKey = "block", RandomKey = "rng";

    /// <inheritdoc/>
    public override string Name => nameof(CheckpointedBlock);

    /// <summary>Runs <paramref name="block"/> on <paramref name="x"/> with checkpointing.</summary>
    public static Tensor Run(TransformerBlock block, Tensor x) => apply(x, block);

    /// <inheritdoc/>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        var block = (TransformerBlock)vars[1];
        ctx.save_for_backward(new List<Tensor> { x });
        ctx.save_data(BlockKey, block);
        ctx.save_data(RandomKey, get_rng_state().DetachFromDisposeScope());
        using var noGrad = no_grad();
        return block.forward(x);
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        Tensor x = ctx.get_saved_variables()[0];
        var block = (TransformerBlock)ctx.get_data(BlockKey);
        using Tensor current = get_rng_state();
        using var savedRandom = (Tensor)ctx.get_data(RandomKey);
        set_rng_state(savedRandom);
        using var enableGrad = enable_grad();
        using Tensor input = x.detach().requires_grad_(true);
        using Tensor output = block.forward(input);
        autograd.backward(output, grad_output);
        set_rng_state(current);
        // One gradient per argument of apply: the block (not a tensor) gets none.
        return new List<Tensor> { input.grad!.detach(), null! };
    }
}
