using CqtMl.Torch.Generator;
using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Torch.Tests.Generator;

public class CqtVisionTransformerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(344)]
    public void LogitsCoverEveryFrameForAnyLength(int frames)
    {
        torch.manual_seed(3);
        using var model = new CqtVisionTransformer(GeneratorConfig.Demo);
        model.eval();
        using var x = rand(2, 2, 84, frames);
        using var logits = model.forward(x);
        Assert.Equal(new long[] { 2, 4, 16, frames }, logits.shape);
    }

    [Fact]
    public void HarmonicStackingShiftsCopiesByOctavesAndPartials()
    {
        // A single 1 at bin 19 of channel 1. Copy i at bin b holds bin b + shift i, shifts -12, 0, 12, 19, 24.
        using var model = new CqtVisionTransformer(GeneratorConfig.Demo with { Depth = 1, HarmonicStacking = true });
        Assert.Equal(new[] { -12, 0, 12, 19, 24 }, model.Config.HarmonicShifts);
        var values = new float[2 * 84 * 3];
        values[(84 + 19) * 3 + 1] = 1f;
        using var h = tensor(values, 1, 2, 84, 3);
        using var stacked = model.StackHarmonics(h);

        Assert.Equal(new long[] { 1, 10, 84, 3 }, stacked.shape);
        // Channel = copy * 2 + input channel; copy 4 (+24) would need bin -5.
        (int Channel, int Bin)[] expected = { (1, 31), (3, 19), (5, 7), (7, 0) };
        float[] actual = stacked.data<float>().ToArray();
        Assert.Equal(expected.Length, actual.Count(v => v != 0));
        foreach ((int channel, int bin) in expected)
        {
            Assert.Equal(1f, actual[(((channel * 84) + bin) * 3) + 1]);
        }

        Assert.Equal(new[] { -36, 0, 36, 57, 72 }, (GeneratorConfig.Demo with { HarmonicStacking = true, BinsPerOctave = 36, Bins = 252 }).HarmonicShifts);
    }

    [Fact]
    public void ParametersAreNamedLikeTimmViT()
    {
        using var model = new CqtVisionTransformer(GeneratorConfig.Demo with { Depth = 1 });
        string[] names = model.named_parameters().Select(p => p.name).ToArray();
        foreach (string name in new[] { "patch_embed.weight", "patch_embed.bias", "pos_embed_freq", "pos_embed_time", "blocks.0.norm1.weight", "blocks.0.attn.qkv.weight", "blocks.0.attn.qkv.bias", "blocks.0.attn.proj.weight", "blocks.0.norm2.bias", "blocks.0.mlp.fc1.weight", "blocks.0.mlp.fc2.bias", "norm.weight", "head.weight", "head.bias" })
        {
            Assert.Contains(name, names);
        }
    }

    [Fact]
    public void EvaluationIsDeterministic()
    {
        torch.manual_seed(5);
        using var model = new CqtVisionTransformer(GeneratorConfig.Demo);
        model.eval();
        using var x = rand(1, 2, 84, 40);
        using var a = model.forward(x);
        using var b = model.forward(x);
        Assert.True(a.allclose(b, rtol: 0, atol: 0));
    }

    [Fact]
    public void WrongShapesAreRejectedWithTheExpectedShape()
    {
        using var model = new CqtVisionTransformer(GeneratorConfig.Demo with { Depth = 1 });
        var error = Assert.Throws<ArgumentException>(() => model.forward(zeros(1, 3, 84, 10)));
        Assert.Contains("[B, 2, 84, T >= 1]", error.Message);
        Assert.Throws<ArgumentException>(() => model.forward(zeros(1, 2, 84, 0)));
        Assert.Throws<ArgumentException>(() => model.forward(zeros(1, 2, 60, 10)));
    }
}
