using CqtMl.Audio.IO;
using CqtMl.Torch.Generator;
using TorchSharp.PyBridge;

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
    public static void SaveSafetensors(CqtVisionTransformer model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, temp => model.save_safetensors(temp));
    }

    /// <summary>Loads weights saved by <see cref="SaveSafetensors"/> (or by PyTorch with the same names and shapes).</summary>
    /// <param name="model">The generator to fill; its configuration must match the file.</param>
    /// <param name="path">The .safetensors file.</param>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">The file does not hold exactly this model's parameters.</exception>
    public static void LoadSafetensors(CqtVisionTransformer model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: weights file not found", path);
        }

        try
        {
            model.load_safetensors(path, strict: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException or FormatException or System.Text.Json.JsonException)
        {
            throw new InvalidDataException($"{path}: not the weights of this generator ({e.Message})", e);
        }
    }
}
