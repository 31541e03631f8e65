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

/// <summary>The int8-weight export (dynamic quantization) against the float32 model.</summary>
public class GeneratorInt8ExportTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(GeneratorOperators.Fused)]
    [InlineData(GeneratorOperators.Standard)]
    public void Int8WeightsShrinkTheFileAndKeepTheLogitsClose(GeneratorOperators operators)
    {
        // A small time table so that the linear layers dominate the file, as in the tiny preset.
        torch.manual_seed(12);
        using var model = new CqtVisionTransformer(GeneratorConfig.Demo with { MaxTimeTokens = 64 });
        model.eval();
        byte[] float32 = GeneratorOnnxExporter.Export(model, new CqtOptions(), "demo", new GeneratorExportOptions { Operators = operators });
        byte[] int8 = GeneratorOnnxExporter.Export(model, new CqtOptions(), "demo", new GeneratorExportOptions { Operators = operators, QuantizeWeights = true });

        using var x = rand(2, 2, 84, 200) * 3;
        float[] expected;
        using (no_grad())
        using (TorchSharp.torch.Tensor logits = model.forward(x))
        {
            expected = logits.data<float>().ToArray();
        }

        using var session = new InferenceSession(int8);
        var input = new DenseTensor<float>(x.data<float>().ToArray(), new[] { 2, 2, 84, 200 });
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("cqt", input) }, new[] { "logits" });
        float[] actual = results.First().AsTensor<float>().ToArray();
        double error = Metrics.RelativeL2(actual, expected);
        output.WriteLine($"{operators}: {int8.Length} / {float32.Length} bytes, relative L2 of the logits {error:E2}");
        Assert.True(int8.Length < 0.5 * float32.Length, $"{int8.Length} bytes against {float32.Length}");
        Assert.True(error is > 0 and < 0.01, $"relative L2 {error:E2}");
    }
}
