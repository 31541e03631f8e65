using CqtMl.Audio.Cqt;
using CqtMl.Tests.Shared;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CqtMl.Torch.Tests.Export;

/// <summary>The exported ONNX graph against the TorchSharp forward pass (evaluation mode).</summary>
public class GeneratorOnnxExporterTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Cases()
    {
        // The matrix for the default (tiny, fused operators), then other architectures and the standard operators.
        foreach (int frames in new[] { 1, 7, 344, 1723 })
        {
            foreach (int batch in new[] { 1, 8 })
            {
                yield return new object[] { "tiny", batch, frames, GeneratorOperators.Fused };
            }
        }

        foreach (GeneratorOperators operators in new[] { GeneratorOperators.Fused, GeneratorOperators.Standard })
        {
            yield return new object[] { "demo", 8, 344, operators };
            yield return new object[] { "demo", 1, 1723, operators };
            yield return new object[] { "patches", 2, 37, operators };
            yield return new object[] { "stacked", 2, 345, operators };
            yield return new object[] { "interpolated", 2, 345, operators };
            yield return new object[] { "baseline", 2, 345, operators };
        }

        yield return new object[] { "tiny", 1, 7, GeneratorOperators.Standard };
        yield return new object[] { "interpolated", 1, 1, GeneratorOperators.Fused };
        yield return new object[] { "interpolated", 1, 20_000, GeneratorOperators.Fused };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OnnxMatchesTorchSharp(string preset, int batch, int frames, GeneratorOperators operators)
    {
        GeneratorConfig config = preset switch
        {
            "tiny" => GeneratorConfig.Tiny,
            "stacked" => GeneratorConfig.Demo with { HarmonicStacking = true, Depth = 1 },
            "patches" => GeneratorConfig.Demo with { Tokenizer = GeneratorTokenizer.Patches, Depth = 2 },
            "interpolated" => GeneratorConfig.Demo with { Positions = GeneratorPositions.Interpolated, MaxTimeTokens = 64, Depth = 1 },
            "baseline" => GeneratorConfig.Baseline with { Depth = 2 },
            _ => GeneratorConfig.Demo,
        };
        torch.manual_seed(11);
        using var model = new CqtVisionTransformer(config);
        model.eval();
        byte[] onnx = GeneratorOnnxExporter.Export(model, new CqtOptions(), preset, new GeneratorExportOptions { Operators = operators });

        using var x = rand(batch, 2, 84, frames) * 3;
        float[] expectedLogits;
        using (no_grad())
        using (TorchSharp.torch.Tensor logits = model.forward(x))
        {
            expectedLogits = logits.data<float>().ToArray();
        }

        using var session = new InferenceSession(onnx);
        var input = new DenseTensor<float>(x.data<float>().ToArray(), new[] { batch, 2, 84, frames });
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("cqt", input) });
        var actualLogits = results.First(r => r.Name == "logits").AsTensor<float>();
        Assert.Equal(new[] { batch, 4, config.Levels, frames }, actualLogits.Dimensions.ToArray());
        float[] actual = actualLogits.ToArray();
        double relative = Metrics.MaxRelativeDifference(actual, expectedLogits);
        output.WriteLine($"{preset} {operators} batch {batch} T {frames}: max |diff| / max |ref| = {relative:E2}");
        Assert.True(relative <= 1e-4, $"relative difference {relative:E3}");

        // Controls: argmax level / (K - 1), per register and frame.
        float[] controls = results.First(r => r.Name == "controls").AsTensor<float>().ToArray();
        int k = config.Levels;
        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < 4; c++)
            {
                for (int t = 0; t < frames; t++)
                {
                    int best = 0;
                    for (int level = 1; level < k; level++)
                    {
                        if (actual[(((b * 4) + c) * k + level) * frames + t] > actual[(((b * 4) + c) * k + best) * frames + t])
                        {
                            best = level;
                        }
                    }

                    Assert.Equal(best / (float)(k - 1), controls[(((b * 4) + c) * frames) + t], 6);
                }
            }
        }
    }
}
