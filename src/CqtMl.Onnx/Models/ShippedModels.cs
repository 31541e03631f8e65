using System.Reflection;

namespace CqtMl.Onnx.Models;

/// <summary>
/// The default models that ship inside this assembly (the repository's <c>models/</c> folder, each with a model card
/// there): the demo generator and the demo reward model, used wherever no model is given (<c>cqtml generate</c>,
/// <c>cqtml demo</c>, the ML.NET transforms). Nothing is downloaded.
/// </summary>
public static class ShippedModels
{
    /// <summary>The file name of the shipped generator in <c>models/</c> and of its resource.</summary>
    public const string GeneratorFile = "generator.onnx";

    /// <summary>The file name of the shipped reward model in <c>models/</c> and of its resource.</summary>
    public const string RewardFile = "reward.onnx";

    /// <summary>The description used in messages and metadata where a shipped model stands for a file.</summary>
    public const string Source = "the shipped default model";

    private const string ResourcePrefix = "CqtMl.Models.";
    private static readonly Lazy<byte[]> GeneratorBytes = new(() => Read(GeneratorFile));
    private static readonly Lazy<byte[]> RewardBytes = new(() => Read(RewardFile));

    /// <summary>Gets the demo generator's ONNX file (a CqtMl generator: <c>cqt</c> in, <c>controls</c> out).</summary>
    public static byte[] Generator => GeneratorBytes.Value;

    /// <summary>Gets the demo reward model's ONNX file (a CqtMl reward model: <c>cqt</c>, <c>controls</c> in, <c>reward</c> out).</summary>
    public static byte[] Reward => RewardBytes.Value;

    /// <summary>Writes a shipped model to a file (atomically), for tools that take paths.</summary>
    /// <param name="fileName"><see cref="GeneratorFile"/> or <see cref="RewardFile"/>.</param>
    /// <param name="path">The file to write.</param>
    public static void WriteTo(string fileName, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Audio.IO.AtomicFile.WriteAllBytes(path, fileName switch
        {
            GeneratorFile => Generator,
            RewardFile => Reward,
            _ => throw new ArgumentException($"No shipped model '{fileName}': expected {GeneratorFile} or {RewardFile}.", nameof(fileName)),
        });
    }

    private static byte[] Read(string fileName)
    {
        using Stream? stream = typeof(ShippedModels).Assembly.GetManifestResourceStream(ResourcePrefix + fileName)
            ?? throw new InvalidOperationException($"{typeof(ShippedModels).Assembly.GetName().Name} was built without {ResourcePrefix}{fileName} (models/{fileName} of the repository).");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
