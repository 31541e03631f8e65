using CqtMl.Onnx.Models;

namespace CqtMl.MLNet;

/// <summary>Reads the model an estimator's options name, or the shipped default model when they name none.</summary>
internal static class ModelFiles
{
    /// <summary>The generator at <paramref name="path"/>, or <see cref="ShippedModels.Generator"/> when it is null or empty.</summary>
    public static byte[] Generator(string? path) => Read(path, "generator", () => ShippedModels.Generator);

    /// <summary>The reward model at <paramref name="path"/>, or <see cref="ShippedModels.Reward"/> when it is null or empty.</summary>
    public static byte[] Reward(string? path) => Read(path, "reward", () => ShippedModels.Reward);

    /// <summary>How a model is named in messages: its path, or <see cref="ShippedModels.Source"/>.</summary>
    public static string Describe(string? path) => string.IsNullOrEmpty(path) ? ShippedModels.Source : path;

    private static byte[] Read(string? path, string what, Func<byte[]> shipped)
    {
        if (string.IsNullOrEmpty(path))
        {
            return shipped();
        }

        return File.Exists(path) ? File.ReadAllBytes(path) : throw new FileNotFoundException($"{path}: {what} model file not found", path);
    }
}
