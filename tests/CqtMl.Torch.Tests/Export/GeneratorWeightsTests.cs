using System.Buffers.Binary;
using System.Text.Json;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Torch.Tests.Export;

public class GeneratorWeightsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-weights-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SafetensorsRoundTripRestoresTheModel()
    {
        var config = GeneratorConfig.Demo with { Depth = 2 };
        torch.manual_seed(1);
        using var original = new CqtVisionTransformer(config);
        original.eval();
        string path = Path.Combine(_dir, "generator.safetensors");
        GeneratorWeights.SaveSafetensors(original, path);

        torch.manual_seed(2);
        using var restored = new CqtVisionTransformer(config);
        restored.eval();
        GeneratorWeights.LoadSafetensors(restored, path);
        using var x = rand(1, 2, 84, 30);
        using var a = original.forward(x);
        using var b = restored.forward(x);
        Assert.True(a.allclose(b, rtol: 0, atol: 0));
    }

    [Fact]
    public void FileUsesThePyTorchNamesShapesAndFloat32()
    {
        // The safetensors layout read by hand: 8-byte little-endian header length, then a JSON header.
        var config = GeneratorConfig.Demo with { Depth = 1 };
        using var model = new CqtVisionTransformer(config);
        string path = Path.Combine(_dir, "g.safetensors");
        GeneratorWeights.SaveSafetensors(model, path);
        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        using JsonDocument header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        JsonElement qkv = header.RootElement.GetProperty("blocks.0.attn.qkv.weight");
        Assert.Equal("F32", qkv.GetProperty("dtype").GetString());
        Assert.Equal(new[] { 3 * config.EmbedDim, config.EmbedDim }, qkv.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        foreach (string name in new[] { "patch_embed.weight", "pos_embed_time", "norm.bias", "head.weight" })
        {
            Assert.True(header.RootElement.TryGetProperty(name, out _), name);
        }
    }

    [Fact]
    public void WrongOrMissingFilesAreClearErrors()
    {
        using var small = new CqtVisionTransformer(GeneratorConfig.Demo with { Depth = 1 });
        using var other = new CqtVisionTransformer(GeneratorConfig.Demo with { Depth = 2 });
        string path = Path.Combine(_dir, "small.safetensors");
        GeneratorWeights.SaveSafetensors(small, path);
        Assert.Throws<FileNotFoundException>(() => GeneratorWeights.LoadSafetensors(other, Path.Combine(_dir, "none.safetensors")));
        var error = Assert.Throws<InvalidDataException>(() => GeneratorWeights.LoadSafetensors(other, path));
        Assert.Contains("small.safetensors", error.Message);
    }
}
