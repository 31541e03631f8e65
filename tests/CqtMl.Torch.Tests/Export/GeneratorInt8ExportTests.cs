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

/// <summary>
/// The int8-weight export (dynamic quantization) against the float32 model, on this CPU and on an emulated AVX2-only
/// CPU, where ONNX Runtime's u8 x s8 kernel adds pairs of products in saturating int16 arithmetic.
/// </summary>
public class GeneratorInt8ExportTests(ITestOutputHelper output)
{
    private const int Frames = 200;

    [Theory]
    [InlineData(GeneratorOperators.Fused)]
    [InlineData(GeneratorOperators.Standard)]
    public void Int8WeightsShrinkTheFileAndKeepTheLogitsClose(GeneratorOperators operators)
    {
        using var model = RandomModel();
        byte[] float32 = GeneratorOnnxExporter.Export(model, new CqtOptions(), "demo", new GeneratorExportOptions { Operators = operators });
        byte[] int8 = GeneratorOnnxExporter.Export(model, new CqtOptions(), "demo", new GeneratorExportOptions { Operators = operators, QuantizeWeights = true });
        (float[] input, float[] expected) = Reference(model);

        float[] actual = Logits(int8, input);
        double error = Metrics.RelativeL2(actual, expected);
        output.WriteLine($"{operators}: {int8.Length} / {float32.Length} bytes, relative L2 of the logits {error:E2}");
        Assert.True(int8.Length < 0.5 * float32.Length, $"{int8.Length} bytes against {float32.Length}");
        Assert.True(error is > 0 and < 0.01, $"relative L2 {error:E2}");
    }

    [SkippableFact]
    public void Int8LogitsAreTheSameOnAnAvx2OnlyCpu()
    {
        // With 8-bit weights this measured a relative L2 of 7.1e-2 against float32 on the emulated AVX2 CPU (and on a
        // real AVX2-only EPYC), 2.3e-3 on AVX-512 VNNI: MLAS's AVX2 kernel clipped pair sums above 32,767.
        Skip.If(EmulatedCpu.Qemu is null, EmulatedCpu.MissingReason);
        using var model = RandomModel();
        byte[] int8 = GeneratorOnnxExporter.Export(model, new CqtOptions(), "demo", new GeneratorExportOptions { QuantizeWeights = true });
        (float[] input, float[] expected) = Reference(model);

        float[] native = Logits(int8, input);
        float[] emulated = EmulatedCpu.Run(int8, "cqt", input, new long[] { 2, 2, 84, Frames }, "logits");
        double error = Metrics.RelativeL2(emulated, expected), drift = Metrics.RelativeL2(emulated, native);
        output.WriteLine($"emulated {EmulatedCpu.Avx2Model}: relative L2 against float32 {error:E2}, against this CPU's int8 run {drift:E2} (this CPU has AVX-512/VNNI: {EmulatedCpu.HostHasWiderIntegerKernels})");
        Assert.True(error < 0.01, $"relative L2 {error:E2} on the AVX2-only CPU");

        // The integer sums are exact on every kernel now, so only float rounding (normalisation, softmax) differs.
        Assert.True(drift < 1e-4, $"the AVX2-only CPU's int8 logits differ from this CPU's by {drift:E2}");
    }

    [Fact]
    public void QuantizedWeightsCannotSaturateTheAvx2PairSums()
    {
        // Weights with outliers: each column's largest |w| maps to the limit, so the limit is reached.
        var random = new Random(5);
        const int Outputs = 48, Inputs = 64;
        float[] w = Enumerable.Range(0, Outputs * Inputs).Select(i => (float)((random.NextDouble() - 0.5) * (i % 17 == 0 ? 20 : 1))).ToArray();
        (sbyte[] q, float[] scales) = OnnxWeights.QuantizeColumns(w, Outputs, Inputs);

        Assert.Equal(OnnxWeights.Int8WeightLimit, q.Max(v => Math.Abs((int)v)));
        for (int o = 0; o < Outputs; o++)
        {
            for (int i = 0; i + 1 < Inputs; i += 2)
            {
                // vpmaddubsw: 255 x |q[k]| + 255 x |q[k + 1]| must fit int16 for the largest uint8 activation.
                int pair = (255 * Math.Abs((int)q[(i * Outputs) + o])) + (255 * Math.Abs((int)q[((i + 1) * Outputs) + o]));
                Assert.True(pair <= short.MaxValue, $"column {o}, rows {i}, {i + 1}: pair sum {pair}");
            }

            for (int i = 0; i < Inputs; i++)
            {
                float restored = q[(i * Outputs) + o] * scales[o];
                Assert.True(Math.Abs(restored - w[(o * Inputs) + i]) <= (0.5f * scales[o]) + 1e-6f, $"w[{o}, {i}]");
            }
        }
    }

    private static CqtVisionTransformer RandomModel()
    {
        // A small time table so that the linear layers dominate the file, as in the tiny preset.
        torch.manual_seed(12);
        var model = new CqtVisionTransformer(GeneratorConfig.Demo with { MaxTimeTokens = 64 });
        model.eval();
        return model;
    }

    private static (float[] Input, float[] Logits) Reference(CqtVisionTransformer model)
    {
        torch.manual_seed(13);
        using var x = rand(2, 2, 84, Frames) * 3;
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            return (x.data<float>().ToArray(), model.forward(x).data<float>().ToArray());
        }
    }

    private static float[] Logits(byte[] model, float[] input)
    {
        using var session = new InferenceSession(model);
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("cqt", new DenseTensor<float>(input, new[] { 2, 2, 84, Frames })) }, new[] { "logits" });
        return results.First().AsTensor<float>().ToArray();
    }
}
