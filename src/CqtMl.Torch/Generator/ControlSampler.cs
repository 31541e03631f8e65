using CqtMl.Onnx.Generation;
using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Torch.Generator;

/// <summary>
/// Draws controls from a <see cref="CqtVisionTransformer"/> in TorchSharp with the same meaning as the exported ONNX
/// graph: argmax over levels of logits / temperature + Gumbel noise from <see cref="GenerationOptions.NoiseFor"/>
/// (no noise in deterministic mode), divided by K - 1.
/// </summary>
public static class ControlSampler
{
    /// <summary>Generates controls for a batch of CQTs.</summary>
    /// <param name="model">The generator (switched to evaluation mode).</param>
    /// <param name="cqt">CQT tensor <c>[B, 2, bins, T]</c>.</param>
    /// <param name="options">Mode, temperature, seed and sample count.</param>
    /// <returns>Controls <c>[SampleCount * B, 4, T]</c> in [0, 1], sample-major.</returns>
    public static float[] Generate(CqtVisionTransformer model, Tensor cqt, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(cqt);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Device device = model.parameters().First().device;
        Tensor logits = model.forward(cqt.to(device)).cpu();
        long b = logits.shape[0], k = logits.shape[2], t = logits.shape[3];
        var controls = new float[options.SampleCount * b * GeneratorConfig.Controls * t];
        Tensor scaled = logits / options.Temperature;
        for (int s = 0; s < options.SampleCount; s++)
        {
            float[]? noise = options.NoiseFor(s, (int)logits.numel());
            Tensor perturbed = noise is null ? scaled : scaled + tensor(noise, logits.shape);
            float[] level = (perturbed.argmax(2).to_type(ScalarType.Float32) / (k - 1)).data<float>().ToArray();
            level.CopyTo(controls, s * level.Length);
        }

        return controls;
    }
}
