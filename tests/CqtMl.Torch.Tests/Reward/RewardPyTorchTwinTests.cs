using CqtMl.Audio.IO;
using CqtMl.Tests.Shared;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using CqtMl.Torch.Reward;
using TorchSharp;

namespace CqtMl.Torch.Tests.Reward;

/// <summary>
/// PyTorch itself (tools/pytorch/cqt_reward.py) loads reward.safetensors by name and computes the same rewards as
/// TorchSharp. Needs a Python with torch and numpy (.ci/run installs Debian's python3-torch), else skips.
/// </summary>
public class RewardPyTorchTwinTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-reward-pytorch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableTheory]
    [InlineData(2, 37)]
    [InlineData(1, 1)]
    [InlineData(3, 130)]
    public void PyTorchLoadsTheWeightsByNameAndComputesTheSameRewards(int batch, int frames)
    {
        Skip.If(PyTorchTwin.Python is null, PyTorchTwin.MissingReason);
        using var model = RewardModels.Random(RewardConfig.Demo with { Encoder = GeneratorConfig.Demo with { Depth = 2 } }, 9);
        model.eval();
        string weights = Path.Combine(_dir, "reward.safetensors");
        RewardWeights.SaveSafetensors(model, weights);

        var random = new Random(4);
        float[] cqt = Enumerable.Range(0, batch * 2 * 84 * frames).Select(_ => (float)random.NextDouble()).ToArray();
        float[] controls = Enumerable.Range(0, batch * 4 * frames).Select(_ => random.Next(16) / 15f).ToArray();
        string cqtPath = Path.Combine(_dir, "cqt.npy"), controlsPath = Path.Combine(_dir, "controls.npy"), outPath = Path.Combine(_dir, "rewards.npy");
        NpyWriter.WriteAll(cqtPath, cqt, batch, 2, 84, frames);
        NpyWriter.WriteAll(controlsPath, controls, batch, 4, frames);
        PyTorchTwin.RunReward("forward", "--weights", weights, "--cqt", cqtPath, "--controls", controlsPath, "--out", outPath);

        var (shape, pytorch) = NpyReader.ReadAll(outPath);
        Assert.Equal(new long[] { batch }, shape);
        using var noGrad = torch.no_grad();
        using var expected = model.forward(torch.tensor(cqt, batch, 2, 84, frames), torch.tensor(controls, batch, 4, frames));
        double difference = Metrics.MaxRelativeDifference(pytorch, expected.data<float>().ToArray());
        Assert.True(difference <= 1e-5, $"max relative difference {difference:E2}");
    }
}
