using CqtMl.Onnx.Generation;
using CqtMl.Onnx.Runtime;
using CqtMl.Torch.Generator;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace CqtMl.Torch.Export;

/// <summary>
/// Checks an exported generator against the TorchSharp network it came from: the logits of both on random CQTs of
/// several shapes, as the largest absolute difference relative to the largest reference logit.
/// </summary>
public static class GeneratorParity
{
    /// <summary>The largest relative difference an export may show (float32 evaluation order).</summary>
    public const double Tolerance = ExportParity.Tolerance;

    /// <summary>Measures the largest relative difference over <paramref name="shapes"/>.</summary>
    /// <param name="model">The network (evaluated in eval mode).</param>
    /// <param name="onnx">Its exported graph.</param>
    /// <param name="shapes">Batch sizes and frame counts to try.</param>
    /// <returns>The largest relative difference.</returns>
    public static double MaxRelativeDifference(CqtVisionTransformer model, byte[] onnx, params (int Batch, int Frames)[] shapes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(onnx);
        model.eval();
        int bins = model.Config.Bins;
        using InferenceSession session = OnnxExecution.LoadForInspection(onnx, "the exported generator");
        var generator = new Random(17);
        double worst = 0;
        foreach ((int batch, int frames) in shapes)
        {
            float[] values = Enumerable.Range(0, batch * GeneratorContract.InputChannels * bins * frames).Select(_ => (float)(generator.NextDouble() * 3)).ToArray();
            float[] expected;
            using (no_grad())
            using (TorchSharp.torch.Tensor x = tensor(values, batch, GeneratorContract.InputChannels, bins, frames))
            using (TorchSharp.torch.Tensor logits = model.forward(x))
            {
                expected = logits.data<float>().ToArray();
            }

            var input = new DenseTensor<float>(values, new[] { batch, GeneratorContract.InputChannels, bins, frames });
            using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(GeneratorContract.CqtInput, input) });
            float[] actual = results.First(r => r.Name == GeneratorContract.LogitsOutput).AsTensor<float>().ToArray();
            worst = Math.Max(worst, ExportParity.RelativeDifference(expected, actual));
        }

        return worst;
    }
}
