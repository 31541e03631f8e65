using CqtMl.Torch.Generator;
using CqtMl.Torch.Reward;
using TorchSharp;

namespace CqtMl.Torch.Tests.Reward;

/// <summary>Reward training: resume reproduces an uninterrupted run bit for bit; splits keep clips apart; bad pairs are refused.</summary>
public class RewardTrainerTests : IDisposable
{
    private static readonly RewardConfig Small = RewardConfig.Demo with { Encoder = GeneratorConfig.Demo with { Depth = 1 }, ControlDepth = 1, CrossDepth = 1 };
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-reward-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Pairs of 3 clips (two lengths): A steady, B flickering; the targets prefer A, B or neither.</summary>
    private static List<RewardExample> Examples()
    {
        var random = new Random(1);
        var examples = new List<RewardExample>();
        for (int clip = 0; clip < 6; clip++)
        {
            int frames = clip % 2 == 0 ? 24 : 17;
            float[] cqt = Enumerable.Range(0, 2 * 84 * frames).Select(_ => (float)random.NextDouble()).ToArray();
            for (int pair = 0; pair < 3; pair++)
            {
                float[] a = Enumerable.Range(0, 4 * frames).Select(i => (i / frames) % 2 == 0 ? 1f : 0f).ToArray();
                float[] b = Enumerable.Range(0, 4 * frames).Select(_ => random.Next(16) / 15f).ToArray();
                examples.Add(new RewardExample(cqt, frames, a, b, pair == 2 ? 0.5f : pair == 0 ? 1f : 0f, $"clip{clip}"));
            }
        }

        return examples;
    }

    private static float[] Parameters(RewardModel model) =>
        model.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    [Fact]
    public void ResumingFromTheCheckpointEndsWithTheSameWeights()
    {
        List<RewardExample> examples = Examples();
        (List<RewardExample> training, List<RewardExample> validation) = RewardExamples.SplitByClip(examples, 0.34, 3);
        var options = new RewardTrainingOptions { Epochs = 3, StepsPerEpoch = 2, BatchSize = 3, Seed = 4, Margin = 0.1, CheckpointPath = Path.Combine(_dir, "whole.bin") };

        torch.manual_seed(4);
        using var whole = new RewardModel(Small);
        IReadOnlyList<RewardTrainingProgress> history = RewardTrainer.Train(whole, training, validation, options);
        Assert.Equal(3, history.Count);
        Assert.All(history, h => Assert.NotNull(h.ValidationAccuracy));

        torch.manual_seed(4);
        using var interrupted = new RewardModel(Small);
        var resumable = options with { CheckpointPath = Path.Combine(_dir, "resumed.bin") };
        using var cancel = new CancellationTokenSource();
        var stopAfterFirstEpoch = new Progress(p => { if (p.EndOfEpoch) { cancel.Cancel(); } });
        Assert.Throws<OperationCanceledException>(() => RewardTrainer.Train(interrupted, training, validation, resumable, stopAfterFirstEpoch, cancellation: cancel.Token));

        torch.manual_seed(99); // a fresh process would start from other random weights: the checkpoint must replace them
        using var resumed = new RewardModel(Small);
        IReadOnlyList<RewardTrainingProgress> resumedHistory = RewardTrainer.Train(resumed, training, validation, resumable, resume: true);
        Assert.Equal(Parameters(whole), Parameters(resumed));
        Assert.Equal(history.Select(h => h.Loss), resumedHistory.Select(h => h.Loss));
    }

    [Fact]
    public void SplitsKeepEveryClipOnOneSide()
    {
        List<RewardExample> examples = Examples();
        (List<RewardExample> training, List<RewardExample> validation) = RewardExamples.SplitByClip(examples, 0.34, 3);
        Assert.Equal(examples.Count, training.Count + validation.Count);
        Assert.Equal(3 * 3, validation.Count); // ceil(0.34 x 6 clips) = 3 clips of 3 pairs
        Assert.Empty(training.Select(e => e.Clip).Intersect(validation.Select(e => e.Clip)));
        Assert.Equal(validation.Select(e => e.Clip), RewardExamples.SplitByClip(examples, 0.34, 3).Validation.Select(e => e.Clip));
        Assert.Empty(RewardExamples.SplitByClip(examples, 0, 3).Validation);
    }

    [Fact]
    public void MalformedPairsAndOptionsAreRefused()
    {
        using var model = new RewardModel(Small);
        RewardExample good = Examples()[0];
        var options = new RewardTrainingOptions { Epochs = 1, StepsPerEpoch = 1, BatchSize = 1 };
        Assert.Throws<ArgumentException>(() => RewardTrainer.Train(model, new[] { good with { A = good.A[..^1] } }, Array.Empty<RewardExample>(), options));
        Assert.Throws<ArgumentException>(() => RewardTrainer.Train(model, new[] { good with { Target = 0.3f } }, Array.Empty<RewardExample>(), options));
        Assert.Throws<ArgumentException>(() => RewardTrainer.Train(model, new[] { good with { Target = 0.5f } }, Array.Empty<RewardExample>(), options with { Ties = TiePolicy.Skip }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RewardTrainingOptions { ValidationFraction = 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RewardTrainingOptions { Margin = -1 }.Validate());
    }

    private sealed class Progress(Action<RewardTrainingProgress> report) : IProgress<RewardTrainingProgress>
    {
        public void Report(RewardTrainingProgress value) => report(value);
    }
}
