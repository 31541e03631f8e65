using System.Globalization;
using CqtMl.Audio.IO;
using CqtMl.MLNet.DataSources;
using CqtMl.Onnx.Generation;
using CqtMl.Tests.Shared;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CqtMl.Cli.Tests.Commands;

/// <summary>
/// Training at scale and back: <c>cqtml extract</c> -> <c>tools/pytorch/train_ddp.py</c> (the generator) or
/// <c>cqtml extract --pairs</c> -> <c>tools/pytorch/train_reward_ddp.py</c> (the reward model) with two gloo ranks
/// (PyTorch DDP on the CPU) -> <c>cqtml export</c> -> the project's ONNX outputs equal PyTorch's.
/// </summary>
public class ExportCommandTests : IDisposable
{
    /// <summary>Two ranks against one process at the same global batch: float summation order only (measured ~1e-7).</summary>
    private const double LossTolerance = 1e-4;

    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableFact]
    public void DistributedTrainingOnTwoRanksMatchesOneProcessAndExportsWithTheProjectsLogits()
    {
        Skip.If(PyTorchTwin.Python is null, PyTorchTwin.MissingReason);
        string data = Path.Combine(_dir, "musicnet"), extracted = Path.Combine(_dir, "extracted"), start = Path.Combine(_dir, "start");
        SyntheticMusicNet.Write(data, trainPieces: 3, testPieces: 1, seconds: 3);
        var (code, _, stderr) = Cli.Run("extract", "--data", data, "--out", extracted, "--quiet");
        Assert.True(code == 0, stderr);
        (code, _, stderr) = Cli.Run("train-generator", "--data", data, "--out", start, "--epochs", "1", "--steps-per-epoch", "1", "--synthetic", "0", "--quiet");
        Assert.True(code == 0, stderr);

        string two = Path.Combine(_dir, "ddp2"), one = Path.Combine(_dir, "ddp1");
        string[] Training(string output, int ranks) => new[]
        {
            "--data", extracted, "--out", output, "--init", Path.Combine(start, "generator.safetensors"), "--nproc", ranks.ToString(CultureInfo.InvariantCulture),
            "--steps", "4", "--global-batch", "4", "--frames", "64", "--dropout", "0", "--seed", "3", "--quiet",
        };
        PyTorchTwin.RunDistributedTraining(Training(two, 2));
        PyTorchTwin.RunDistributedTraining(Training(one, 1));
        AssertTwoRanksTrainedAsOne(two, one, steps: 4);
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(start, "generator.safetensors")), File.ReadAllBytes(Path.Combine(two, "generator.safetensors")));

        // Back into .NET: TorchSharp loads the weights by name, ONNX is exported and parity-checked by the command.
        string onnx = Path.Combine(two, "generator.onnx");
        (code, string stdout, stderr) = Cli.Run("export", "--weights", Path.Combine(two, "generator.safetensors"), "--config", start, "--out", onnx);
        Assert.True(code == 0, stderr);
        Assert.Contains("outputs match TorchSharp", stdout, StringComparison.Ordinal);

        // The project's ONNX logits equal PyTorch's own forward pass of the trained weights.
        var random = new Random(5);
        float[] cqt = Enumerable.Range(0, 2 * 84 * 50).Select(_ => (float)random.NextDouble()).ToArray();
        string input = Path.Combine(_dir, "x.npy"), logitsPath = Path.Combine(_dir, "y.npy");
        NpyWriter.WriteAll(input, cqt, 1, 2, 84, 50);
        PyTorchTwin.Run("forward", "--weights", Path.Combine(two, "generator.safetensors"), "--input", input, "--out", logitsPath);
        float[] expected = NpyReader.ReadAll(logitsPath).Values;
        using var session = new InferenceSession(onnx);
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(GeneratorContract.CqtInput, new DenseTensor<float>(cqt, new[] { 1, 2, 84, 50 })) });
        float[] actual = results.First(r => r.Name == GeneratorContract.LogitsOutput).AsTensor<float>().ToArray();
        double worst = Metrics.MaxRelativeDifference(actual, expected);
        Assert.True(worst <= 1e-4, $"ONNX logits differ from PyTorch's by {worst:E2} (relative)");
    }

    [SkippableFact]
    public void RewardModelTrainsOnTwoRanksAsOnOneAndExportsWithPyTorchsRewards()
    {
        Skip.If(PyTorchTwin.Python is null, PyTorchTwin.MissingReason);
        using var data = new PreferenceData();
        string pairs = data.PathOf("pairs.parquet"), labelled = data.PathOf("labelled.parquet"), extracted = Path.Combine(_dir, "pairs");
        var (code, stdout, stderr) = Cli.Run("compare", "--data", data.Data, "--model", data.Generator, "--out", pairs, "--clips", "3", "--clip-seconds", "1", "--pairs-per-clip", "3", "--seed", "2");
        Assert.True(code == 0, stderr);
        (code, _, stderr) = Cli.Run("judge", "--judge", "smoothness", "--pairs", pairs, "--data", data.Data, "--out", labelled);
        Assert.True(code == 0, stderr);
        (code, stdout, stderr) = Cli.Run("extract", "--pairs", labelled, "--data", data.Data, "--out", extracted);
        Assert.True(code == 0, stderr);
        Assert.Contains("9 labelled pairs of 3 clips", stdout, StringComparison.Ordinal);

        // The table and the files hold the labelled rows: controls [2, 4, T] = A then B, the label as a target.
        List<Preferences.Comparisons.ComparisonRow> rows = Preferences.Comparisons.ComparisonFile.ReadAll(labelled);
        string[] table = File.ReadAllLines(Path.Combine(extracted, "pairs.tsv"));
        Assert.Equal(2 + rows.Count, table.Length);
        for (int i = 0; i < rows.Count; i++)
        {
            string[] fields = table[2 + i].Split('\t');
            (long[] Shape, float[] Values) controls = NpyReader.ReadAll(Path.Combine(extracted, fields[5]));
            Assert.Equal(new long[] { 2, 4, rows[i].Frames }, controls.Shape);
            Assert.Equal(rows[i].AControls.Concat(rows[i].BControls), controls.Values);
            float target = rows[i].ParsedLabel() switch { Preferences.Comparisons.PreferenceLabel.A => 1f, Preferences.Comparisons.PreferenceLabel.B => 0f, _ => 0.5f };
            Assert.Equal(target, float.Parse(fields[3], CultureInfo.InvariantCulture));
            Assert.Equal(new long[] { 2, 84, rows[i].Frames }, NpyReader.ReadAll(Path.Combine(extracted, fields[4])).Shape);
        }

        string two = Path.Combine(_dir, "reward2"), one = Path.Combine(_dir, "reward1");
        string[] Training(string output, int ranks) => new[]
        {
            "--data", extracted, "--out", output, "--init", data.RewardWeights, "--nproc", ranks.ToString(CultureInfo.InvariantCulture),
            "--steps", "3", "--global-batch", "4", "--dropout", "0", "--seed", "3", "--lr", "1e-3", "--quiet",
        };
        PyTorchTwin.RunRewardTraining(Training(two, 2));
        PyTorchTwin.RunRewardTraining(Training(one, 1));
        AssertTwoRanksTrainedAsOne(two, one, steps: 3);
        string trained = Path.Combine(two, "reward.safetensors");
        Assert.NotEqual(File.ReadAllBytes(data.RewardWeights), File.ReadAllBytes(trained));

        // Back into .NET: the reward model's ONNX metadata gives the architecture; the command checks parity with TorchSharp.
        string onnx = Path.Combine(two, "reward.onnx");
        (code, stdout, stderr) = Cli.Run("export", "--weights", trained, "--config", data.Reward, "--out", onnx);
        Assert.True(code == 0, stderr);
        Assert.Contains("reward model", stdout, StringComparison.Ordinal);
        Assert.Contains("outputs match TorchSharp", stdout, StringComparison.Ordinal);

        // From scratch: --init's architecture with fresh weights; they load and export as well.
        string scratch = Path.Combine(_dir, "scratch");
        PyTorchTwin.RunRewardTraining("--data", extracted, "--out", scratch, "--init", data.RewardWeights, "--reinit", "--nproc", "1", "--steps", "1", "--global-batch", "2", "--quiet");
        (code, _, stderr) = Cli.Run("export", "--weights", Path.Combine(scratch, "reward.safetensors"), "--config", data.Reward, "--out", Path.Combine(scratch, "reward.onnx"));
        Assert.True(code == 0, stderr);

        // The project's ONNX rewards equal PyTorch's own forward pass of the trained weights.
        var random = new Random(6);
        float[] cqt = Enumerable.Range(0, 2 * 2 * 84 * 40).Select(_ => (float)random.NextDouble()).ToArray();
        float[] levels = Enumerable.Range(0, 2 * 4 * 40).Select(_ => (float)random.NextDouble()).ToArray();
        string cqtPath = Path.Combine(_dir, "cqt.npy"), controlsPath = Path.Combine(_dir, "controls.npy"), rewardsPath = Path.Combine(_dir, "rewards.npy");
        NpyWriter.WriteAll(cqtPath, cqt, 2, 2, 84, 40);
        NpyWriter.WriteAll(controlsPath, levels, 2, 4, 40);
        PyTorchTwin.RunReward("forward", "--weights", trained, "--cqt", cqtPath, "--controls", controlsPath, "--out", rewardsPath);
        float[] expected = NpyReader.ReadAll(rewardsPath).Values;
        using var scorer = Onnx.Reward.OnnxRewardModel.Load(onnx);
        float[] actual = scorer.Score(cqt, levels, 2, 40);
        Assert.Equal(2, actual.Length);
        double worst = Metrics.MaxRelativeDifference(actual, expected);
        Assert.True(worst <= 1e-4, $"ONNX rewards {string.Join(", ", actual)} differ from PyTorch's {string.Join(", ", expected)} by {worst:E2} (relative)");
    }

    [Fact]
    public void WeightsOfAnotherShapeAreRefusedNamingTheFile()
    {
        string weights = Path.Combine(_dir, "bad.safetensors");
        File.WriteAllBytes(weights, new byte[] { 2, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}' });
        var (code, _, stderr) = Cli.Run("export", "--weights", weights, "--out", Path.Combine(_dir, "g.onnx"));
        Assert.Equal(1, code);
        Assert.Contains("bad.safetensors", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "g.onnx")));
    }

    /// <summary>The run in <paramref name="two"/> was on two ranks and lost, step by step, what the one-process run did.</summary>
    private static void AssertTwoRanksTrainedAsOne(string two, string one, int steps)
    {
        double[] lossTwo = Losses(two), lossOne = Losses(one);
        Assert.Equal(steps, lossTwo.Length);
        for (int i = 0; i < lossOne.Length; i++)
        {
            Assert.True(Math.Abs(lossTwo[i] - lossOne[i]) <= LossTolerance * Math.Abs(lossOne[i]), $"step {i + 1}: {lossTwo[i]} on 2 ranks, {lossOne[i]} on 1");
        }

        Assert.Contains("\"world_size\": 2", File.ReadAllText(Path.Combine(two, "training.json")), StringComparison.Ordinal);
    }

    private static double[] Losses(string folder) =>
        File.ReadAllLines(Path.Combine(folder, "loss.tsv")).Skip(1).Select(l => double.Parse(l.Split('\t')[1], CultureInfo.InvariantCulture)).ToArray();
}
