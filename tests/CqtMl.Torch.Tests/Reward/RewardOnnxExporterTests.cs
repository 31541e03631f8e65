using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Reward;
using CqtMl.Tests.Shared;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using CqtMl.Torch.Reward;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CqtMl.Torch.Tests.Reward;

/// <summary>The exported reward graph against the TorchSharp forward pass (evaluation mode), through <see cref="OnnxRewardModel"/>.</summary>
public class RewardOnnxExporterTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("demo", 1, 1)]
    [InlineData("demo", 3, 7)]
    [InlineData("demo", 2, 345)]
    [InlineData("demo", 1, 1378)]
    [InlineData("patches", 2, 37)]
    [InlineData("tiny", 2, 64)]
    [InlineData("baseline", 2, 37)]
    public void OnnxMatchesTorchSharp(string preset, int batch, int frames)
    {
        RewardConfig config = preset switch
        {
            "tiny" => RewardConfig.Tiny with { Encoder = GeneratorConfig.Tiny with { Depth = 2 } },
            "patches" => RewardConfig.Demo with { Encoder = GeneratorConfig.Demo with { Tokenizer = GeneratorTokenizer.Patches, Depth = 1 } },
            "baseline" => RewardConfig.Baseline with { Encoder = GeneratorConfig.Baseline with { Depth = 1 } },
            _ => RewardConfig.Demo,
        };
        using var model = RewardModels.Random(config, 5);
        model.eval();
        using var cqt = rand(batch, 2, 84, frames) * 3;
        using var controls = randint(0, 16, new long[] { batch, 4, frames }).to_type(ScalarType.Float32) / 15;
        float[] expected;
        using (no_grad())
        using (Tensor rewards = model.forward(cqt, controls))
        {
            expected = rewards.data<float>().ToArray();
        }

        using var onnx = new OnnxRewardModel(RewardOnnxExporter.Export(model, new CqtOptions(), preset));
        float[] actual = onnx.Score(cqt.data<float>().ToArray(), controls.data<float>().ToArray(), batch, frames);
        double relative = Metrics.MaxRelativeDifference(actual, expected);
        output.WriteLine($"{preset} batch {batch} T {frames}: rewards {string.Join(", ", expected.Select(r => r.ToString("F4")))}; max |diff| / max |ref| = {relative:E2}");
        Assert.Equal(batch, actual.Length);
        Assert.True(relative <= 1e-4, $"relative difference {relative:E3}");
    }

    [Fact]
    public void ScoringSamplesOfOneClipMatchesScoringRows()
    {
        using var model = RewardModels.Random(RewardConfig.Demo with { Encoder = GeneratorConfig.Demo with { Depth = 1 }, ControlDepth = 1, CrossDepth = 1 }, 6);
        using var onnx = new OnnxRewardModel(RewardOnnxExporter.Export(model, new CqtOptions(), "demo"));
        const int Frames = 50, Samples = 5;
        float[] cqt = Enumerable.Range(0, 2 * 84 * Frames).Select(i => (float)((i * 37 % 101) / 50.0)).ToArray();
        float[] controls = Enumerable.Range(0, Samples * 4 * Frames).Select(i => (i * 13 % 16) / 15f).ToArray();
        float[] batched = onnx.ScoreSamples(cqt, controls, Frames, batchSize: 2);
        for (int s = 0; s < Samples; s++)
        {
            float single = onnx.Score(cqt, controls.AsSpan(s * 4 * Frames, 4 * Frames).ToArray(), 1, Frames)[0];
            Assert.Equal(single, batched[s], 2e-5f); // batch sizes may sum in other orders: float rounding only
        }

        Assert.Throws<ArgumentException>(() => onnx.Score(cqt, controls.AsSpan(0, (4 * Frames) - 1).ToArray(), 1, Frames));
        float[] withNaN = (float[])cqt.Clone();
        withNaN[3] = float.NaN;
        Assert.Throws<ArgumentException>(() => onnx.Score(withNaN, controls.AsSpan(0, 4 * Frames).ToArray(), 1, Frames));
    }

    [Fact]
    public void Float16WeightsHalveTheFileAndKeepTheRewards()
    {
        using var model = RewardModels.Random(RewardConfig.Demo, 7);
        byte[] full = RewardOnnxExporter.Export(model, new CqtOptions(), "demo");
        byte[] half = RewardOnnxExporter.Export(model, new CqtOptions(), "demo", new GeneratorExportOptions { Float16Weights = true });
        output.WriteLine($"float16 weights {half.Length:N0} bytes, float32 {full.Length:N0} bytes");
        Assert.InRange(half.Length, full.Length * 0.48, full.Length * 0.55);

        using var cqt = rand(2, 2, 84, 300) * 3;
        using var controls = randint(0, 16, new long[] { 2, 4, 300 }).to_type(ScalarType.Float32) / 15;
        using var halfModel = new OnnxRewardModel(half);
        using var fullModel = new OnnxRewardModel(full);
        float[] a = halfModel.Score(cqt.data<float>().ToArray(), controls.data<float>().ToArray(), 2, 300);
        float[] b = fullModel.Score(cqt.data<float>().ToArray(), controls.data<float>().ToArray(), 2, 300);
        double relative = Metrics.MaxRelativeDifference(a, b);
        output.WriteLine($"rewards {string.Join(", ", b)} -> {string.Join(", ", a)}: relative {relative:E2}");
        Assert.True(relative is > 0 and <= 1e-2, $"{relative:E2}");
    }
}
