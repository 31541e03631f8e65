using CqtMl.Onnx.Generation;
using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Torch.Generator;

/// <summary>
/// Draws controls from a <see cref="CqtVisionTransformer"/> in TorchSharp with the same meaning as the exported ONNX
/// graph: argmax over levels of logits / temperature + Gumbel noise from <see cref="GenerationOptions.NoiseFor"/>
/// (no noise in deterministic mode), divided by K - 1; with inference-time dropout, the hidden units of every MLP
/// are multiplied by <see cref="GenerationOptions.DropoutMaskFor"/>.
/// </summary>
public static class ControlSampler
{
    /// <summary>Generates controls for a batch of CQTs.</summary>
    /// <param name="model">The generator (switched to evaluation mode).</param>
    /// <param name="cqt">CQT tensor <c>[B, 2, bins, T]</c>.</param>
    /// <param name="options">Mode, temperature, seed, sample count, dropout and coherence.</param>
    /// <param name="frameRate">CQT frames per second, which turns the coherence into frames; null for the default CQT's (22050 / 64).</param>
    /// <returns>Controls <c>[SampleCount * B, 4, T]</c> in [0, 1], sample-major.</returns>
    public static float[] Generate(CqtVisionTransformer model, Tensor cqt, GenerationOptions options, double? frameRate = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(cqt);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Device device = model.parameters().First().device;
        Tensor input = cqt.to(device);
        long b = input.shape[0], t = input.shape[3], k = model.Config.Levels;
        long[] maskShape = { model.Config.Depth, b, model.TokenCount(t), model.Config.MlpDim };
        Tensor? shared = null;
        var controls = new float[options.SampleCount * b * GeneratorConfig.Controls * t];
        for (int s = 0; s < options.SampleCount; s++)
        {
            // Without dropout every sample shares one forward pass; with it, each sample has its own mask.
            float[]? mask = options.DropoutMaskFor(s, checked((int)(maskShape[0] * maskShape[1] * maskShape[2] * maskShape[3])));
            Tensor logits = mask is null
                ? shared ??= model.forward(input).cpu()
                : model.Forward(input, tensor(mask, maskShape).to(device)).cpu();
            Tensor scaled = logits.DividedBy(options.Temperature);
            float[]? noise = options.NoiseFor(s, (int)b, (int)k, (int)t, frameRate ?? new CqtMl.Audio.Cqt.CqtOptions().FrameRate);
            Tensor perturbed = noise is null ? scaled : scaled.Plus(tensor(noise, logits.shape));
            float[] level = perturbed.argmax(2).to_type(ScalarType.Float32).DividedBy(k - 1).data<float>().ToArray();
            level.CopyTo(controls, s * level.Length);
        }

        return controls;
    }
}
