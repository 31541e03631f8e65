using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Generation;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CqtMl.Torch.Tests.Generator;

/// <summary>Generation modes: the same meaning in TorchSharp and ONNX Runtime, reproducible from the seed.</summary>
public class ControlSamplerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(GenerationMode.Deterministic, 1.0, 0.0)]
    [InlineData(GenerationMode.Stochastic, 0.7, 0.0)]
    [InlineData(GenerationMode.Stochastic, 1.5, 0.0)]
    [InlineData(GenerationMode.Stochastic, 1.0, 0.25)]
    public void TorchSharpAndOnnxRuntimeGiveTheSameControls(GenerationMode mode, double temperature, double dropout)
    {
        torch.manual_seed(21);
        using var model = new CqtVisionTransformer(GeneratorConfig.Demo);
        model.eval();
        using var cqt = rand(2, 2, 84, 57) * 2;
        var options = new GenerationOptions { Mode = mode, Temperature = temperature, Seed = 1234, SampleCount = 3, Dropout = dropout };
        float[] torchControls = ControlSampler.Generate(model, cqt, options);
        using var onnx = new OnnxControlGenerator(GeneratorOnnxExporter.Export(model, new CqtOptions(), "demo"));
        float[] onnxControls = onnx.Generate(cqt.data<float>().ToArray(), 2, 57, options);
        Assert.Equal(3 * 2 * 4 * 57, onnxControls.Length);

        // Logits agree to 1e-6; only an exact tie between two levels could flip an argmax.
        int differing = torchControls.Zip(onnxControls).Count(p => p.First != p.Second);
        Assert.True(differing <= torchControls.Length / 1000, $"{differing} of {torchControls.Length} controls differ");
        Assert.All(onnxControls, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void SeedsReproduceAndDiffer()
    {
        torch.manual_seed(22);
        using var model = new CqtVisionTransformer(GeneratorConfig.Demo with { Depth = 2 });
        using var cqt = rand(1, 2, 84, 64);
        var options = new GenerationOptions { Mode = GenerationMode.Stochastic, Seed = 7 };
        Assert.Equal(ControlSampler.Generate(model, cqt, options), ControlSampler.Generate(model, cqt, options));
        Assert.NotEqual(ControlSampler.Generate(model, cqt, options), ControlSampler.Generate(model, cqt, options with { Seed = 8 }));
        var deterministic = new GenerationOptions();
        Assert.Equal(ControlSampler.Generate(model, cqt, deterministic), ControlSampler.Generate(model, cqt, deterministic with { Seed = 99 }));
    }

    [Fact]
    public void GumbelNoiseIsAFixedFunctionOfTheSeed()
    {
        // Pinned values: any change to the generator of the noise would break reproducibility across versions.
        float[] noise = GumbelNoise.Create(42, 3);
        float[] again = GumbelNoise.Create(42, 3);
        Assert.Equal(noise, again);
        Assert.NotEqual(noise, GumbelNoise.Create(43, 3));
        float[] many = GumbelNoise.Create(1, 200_000);
        double mean = many.Average(v => (double)v);
        Assert.InRange(mean, 0.5772 - 0.01, 0.5772 + 0.01); // Euler-Mascheroni constant: the Gumbel mean
    }

    [Fact]
    public void DropoutMasksAreSeededInvertedDropout()
    {
        float[] mask = DropoutMask.Create(3, 0.25, 400_000);
        Assert.Equal(mask, DropoutMask.Create(3, 0.25, 400_000));
        Assert.NotEqual(mask, DropoutMask.Create(4, 0.25, 400_000));
        Assert.All(mask, v => Assert.True(v == 0f || Math.Abs(v - (1 / 0.75f)) < 1e-6));
        Assert.InRange(mask.Count(v => v == 0) / (double)mask.Length, 0.245, 0.255);
        Assert.InRange(mask.Average(v => (double)v), 0.99, 1.01); // expected activation unchanged

        // Dropout changes the samples, is reproducible, and is refused in deterministic mode or at p >= 1.
        torch.manual_seed(24);
        using var model = new CqtVisionTransformer(GeneratorConfig.Demo with { Depth = 2 });
        using var cqt = rand(1, 2, 84, 64);
        var options = new GenerationOptions { Mode = GenerationMode.Stochastic, Seed = 7, Dropout = 0.3 };
        Assert.Equal(ControlSampler.Generate(model, cqt, options), ControlSampler.Generate(model, cqt, options));
        Assert.NotEqual(ControlSampler.Generate(model, cqt, options), ControlSampler.Generate(model, cqt, options with { Dropout = 0 }));
        Assert.Throws<ArgumentException>(() => new GenerationOptions { Dropout = 0.1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (options with { Dropout = 1 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (options with { Dropout = double.NaN }).Validate());
    }

    [Fact]
    public void DiversityRisesWithTemperature()
    {
        torch.manual_seed(23);
        using var model = new CqtVisionTransformer(GeneratorConfig.Demo with { Depth = 2 });
        using var cqt = rand(1, 2, 84, 200) * 2;
        double previous = -1;
        foreach (double temperature in new[] { 0.5, 1.0, 1.5, 2.0 })
        {
            float[] samples = ControlSampler.Generate(model, cqt, new GenerationOptions { Mode = GenerationMode.Stochastic, Temperature = temperature, Seed = 5, SampleCount = 8 });
            int per = samples.Length / 8;
            double total = 0;
            int pairs = 0;
            for (int a = 0; a < 8; a++)
            {
                for (int b = a + 1; b < 8; b++, pairs++)
                {
                    double l1 = 0;
                    for (int i = 0; i < per; i++)
                    {
                        l1 += Math.Abs(samples[(a * per) + i] - samples[(b * per) + i]);
                    }

                    total += l1 / per;
                }
            }

            double diversity = total / pairs;
            output.WriteLine($"temperature {temperature}: mean pairwise L1 {diversity:F4}");
            Assert.True(diversity > previous, $"diversity {diversity} at temperature {temperature} is not above {previous}");
            previous = diversity;
        }
    }
}
