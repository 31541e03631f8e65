using CqtMl.Audio.Cqt;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using TorchSharp;

namespace CqtMl.MLNet.Torch.Tests.Generation;

/// <summary>A small random-weight generator in a temporary generator folder (ONNX, int8 ONNX, safetensors), with helpers shared by the tests.</summary>
public sealed class GeneratorFixture : IDisposable
{
    public GeneratorFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("cqtml-mlgen-").FullName;
        torch.manual_seed(5);
        using var model = new CqtVisionTransformer(GeneratorConfig.Demo with { Depth = 2 });
        GeneratorFolder.Write(Directory, model, new CqtOptions(), "demo");
        ModelPath = Path.Combine(Directory, GeneratorFolder.OnnxFile);
    }

    public string Directory { get; }

    public string ModelPath { get; }

    /// <summary>A deterministic pseudo-random CQT [2, 84, frames] with magnitudes like music's.</summary>
    public static float[] Cqt(int frames, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 2 * 84 * frames).Select(_ => (float)(random.NextDouble() * random.NextDouble())).ToArray();
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
