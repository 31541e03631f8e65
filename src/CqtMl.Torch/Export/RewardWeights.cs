using CqtMl.Torch.Reward;

namespace CqtMl.Torch.Export;

/// <summary>
/// Reward-model weights as safetensors under PyTorch-style names (cqt_encoder.patch_embed.weight,
/// controls_encoder.blocks.0.attn.qkv.weight, cross_blocks.0.kv.weight, head.weight, ...), which
/// <c>tools/pytorch/cqt_reward.py</c> loads by name; and back. A generator's weights start the CQT encoder with
/// <see cref="InitializeFromGenerator"/>.
/// </summary>
public static class RewardWeights
{
    /// <summary>Writes the weights (atomically).</summary>
    /// <param name="model">The reward model.</param>
    /// <param name="path">The .safetensors file.</param>
    public static void SaveSafetensors(RewardModel model, string path) => SafetensorsWeights.Save(model, path);

    /// <summary>Loads weights saved by <see cref="SaveSafetensors"/> (or by PyTorch with the same names and shapes).</summary>
    /// <param name="model">The reward model to fill; its configuration must match the file.</param>
    /// <param name="path">The .safetensors file.</param>
    public static void LoadSafetensors(RewardModel model, string path) => SafetensorsWeights.Load(model, path, "reward model");

    /// <summary>Loads a trained generator's weights (<c>generator.safetensors</c>) into the CQT encoder.</summary>
    /// <param name="model">The reward model; its encoder's architecture must be the generator's.</param>
    /// <param name="generatorPath">The generator's .safetensors file.</param>
    /// <exception cref="InvalidDataException">The file is not a generator of the encoder's architecture (preset).</exception>
    public static void InitializeFromGenerator(RewardModel model, string generatorPath)
    {
        ArgumentNullException.ThrowIfNull(model);
        SafetensorsWeights.Load(model.CqtEncoder, generatorPath, $"generator architecture the reward model's CQT encoder has (embed {model.Config.EmbedDim}, depth {model.Config.Encoder.Depth}, {model.Config.Encoder.Tokenizer.ToString().ToLowerInvariant()}); train the reward model with the generator's preset");
    }
}
