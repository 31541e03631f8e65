using CqtMl.Onnx.Reward;
using CqtMl.Onnx.Runtime;
using CqtMl.Torch.Reward;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace CqtMl.Torch.Export;

/// <summary>
/// Checks an exported reward model against the TorchSharp network it came from: the rewards of both for random CQTs
/// and controls of several shapes, as the largest absolute difference relative to the largest reference reward.
/// </summary>
public static class RewardParity
{
    /// <summary>The largest relative difference an export may show (float32 evaluation order).</summary>
    public const double Tolerance = ExportParity.Tolerance;

    /// <summary>Measures the largest relative difference over <paramref name="shapes"/>.</summary>
    /// <param name="model">The network (evaluated in eval mode).</param>
    /// <param name="onnx">Its exported graph.</param>
    /// <param name="shapes">Batch sizes and frame counts to try.</param>
    /// <returns>The largest relative difference.</returns>
    public static double MaxRelativeDifference(RewardModel model, byte[] onnx, params (int Batch, int Frames)[] shapes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(onnx);
        model.eval();
        int bins = model.Config.Encoder.Bins;
        using InferenceSession session = OnnxExecution.LoadForInspection(onnx, "the exported reward model");
        var generator = new Random(19);
        double worst = 0;
        foreach ((int batch, int frames) in shapes)
        {
            float[] cqt = Enumerable.Range(0, batch * RewardContract.InputChannels * bins * frames).Select(_ => (float)(generator.NextDouble() * 3)).ToArray();
            float[] controls = Enumerable.Range(0, batch * RewardContract.Registers * frames).Select(_ => (float)generator.NextDouble()).ToArray();
            float[] expected;
            using (no_grad())
            using (TorchSharp.torch.Tensor x = tensor(cqt, batch, RewardContract.InputChannels, bins, frames))
            using (TorchSharp.torch.Tensor c = tensor(controls, batch, RewardContract.Registers, frames))
            using (TorchSharp.torch.Tensor rewards = model.forward(x, c))
            {
                expected = rewards.data<float>().ToArray();
            }

            using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(new[]
            {
                NamedOnnxValue.CreateFromTensor(RewardContract.CqtInput, new DenseTensor<float>(cqt, new[] { batch, RewardContract.InputChannels, bins, frames })),
                NamedOnnxValue.CreateFromTensor(RewardContract.ControlsInput, new DenseTensor<float>(controls, new[] { batch, RewardContract.Registers, frames })),
            });
            float[] actual = results.First(r => r.Name == RewardContract.RewardOutput).AsTensor<float>().ToArray();
            worst = Math.Max(worst, ExportParity.RelativeDifference(expected, actual));
        }

        return worst;
    }
}
