using CqtMl.Torch.Generator;

namespace CqtMl.Torch.Export;

/// <summary>
/// Generator weights as safetensors, keyed by the PyTorch-style parameter names (patch_embed.weight, blocks.0.attn.qkv.weight,
/// ...), so a PyTorch module with the same names loads them with <c>load_state_dict(safetensors.torch.load_file(...))</c>
/// and training can continue at scale; and back.
/// </summary>
public static class GeneratorWeights
{
    /// <summary>Writes the weights (atomically: temporary file, then rename).</summary>
    /// <param name="model">The generator.</param>
    /// <param name="path">The .safetensors file.</param>
    public static void SaveSafetensors(CqtVisionTransformer model, string path) => SafetensorsWeights.Save(model, path);

    /// <summary>Loads weights saved by <see cref="SaveSafetensors"/> (or by PyTorch with the same names and shapes).</summary>
    /// <param name="model">The generator to fill; its configuration must match the file.</param>
    /// <param name="path">The .safetensors file.</param>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">The file does not hold exactly this model's parameters.</exception>
    public static void LoadSafetensors(CqtVisionTransformer model, string path) => SafetensorsWeights.Load(model, path, "generator");
}
