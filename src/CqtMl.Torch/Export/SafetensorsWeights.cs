using CqtMl.Audio.IO;
using TorchSharp;
using TorchSharp.PyBridge;

namespace CqtMl.Torch.Export;

/// <summary>A module's parameters as safetensors under their PyTorch-style names, written atomically; and back, strictly.</summary>
internal static class SafetensorsWeights
{
    public static void Save(torch.nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, temp => module.save_safetensors(temp));
    }

    /// <summary>Loads every parameter; <paramref name="what"/> names the model in errors ("generator", "reward model").</summary>
    public static void Load(torch.nn.Module module, string path, string what)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: weights file not found", path);
        }

        try
        {
            module.load_safetensors(path, strict: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException or FormatException or System.Text.Json.JsonException)
        {
            throw new InvalidDataException($"{path}: not the weights of this {what} ({e.Message})", e);
        }
    }
}
