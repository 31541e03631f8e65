using CqtMl.Onnx.Generation;
using CqtMl.Torch.Dpo;
using CqtMl.Torch.Generator;
using CqtMl.Torch.Reward;
using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Torch.Tests.Dpo;

/// <summary>DPO: a toy preference moves the policy the right way; resume reproduces an uninterrupted run; bad pairs are refused.</summary>
public class DpoTrainerTests : IDisposable
{
    private static readonly GeneratorConfig Small = new(32, 1, 2, 64);
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-dpo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A generator with fixed random weights (the same for the same seed).</summary>
    private static CqtVisionTransformer Generator(int seed)
    {
        torch.manual_seed(seed);
        var model = new CqtVisionTransformer(Small);
        model.eval();
        return model;
    }

    /// <summary>
    /// Pairs of two samples the generator itself drew (temperature 1, two clip lengths), labelled by the toy preference
    /// "a higher level on control 0 is better".
    /// </summary>
    private static List<DpoExample> ToyPairs(CqtVisionTransformer generator, int clips, int pairsPerClip)
    {
        var random = new Random(7);
        var examples = new List<DpoExample>();
        for (int clip = 0; clip < clips; clip++)
        {
            int frames = clip % 2 == 0 ? 16 : 13;
            float[] cqt = Enumerable.Range(0, 2 * 84 * frames).Select(_ => (float)random.NextDouble()).ToArray();
            using Tensor input = tensor(cqt, 1, 2, 84, frames);
            for (int pair = 0; pair < pairsPerClip; pair++)
            {
                float[] a = ControlSampler.Generate(generator, input, new GenerationOptions { Mode = GenerationMode.Stochastic, Seed = (clip * 100) + (2 * pair) });
                float[] b = ControlSampler.Generate(generator, input, new GenerationOptions { Mode = GenerationMode.Stochastic, Seed = (clip * 100) + (2 * pair) + 1 });
                float target = a.Take(frames).Sum() > b.Take(frames).Sum() ? 1f : a.Take(frames).Sum() < b.Take(frames).Sum() ? 0f : 0.5f;
                examples.Add(new DpoExample(new RewardExample(cqt, frames, a, b, target, $"clip{clip}"), 1f, 1f));
            }
        }

        return examples;
    }

    /// <summary>The expected level of control 0 under the head (softmax at temperature 1), averaged over the clips' frames.</summary>
    private static double ExpectedLevelOfControl0(CqtVisionTransformer model, IEnumerable<DpoExample> examples)
    {
        model.eval();
        using var noGrad = no_grad();
        var means = new List<double>();
        foreach (DpoExample e in examples.DistinctBy(e => e.Clip))
        {
            using var scope = NewDisposeScope();
            Tensor probabilities = model.forward(tensor(e.Pair.Cqt, 1, 2, 84, e.Frames)).softmax(2);
            Tensor levels = arange(Small.Levels, dtype: ScalarType.Float32).div(tensor(Small.Levels - 1f)).reshape(1, 1, -1, 1);
            means.Add(probabilities.mul(levels).sum(2)[0, 0].mean().item<float>());
        }

        return means.Average();
    }

    private static float[] Parameters(CqtVisionTransformer model) =>
        model.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    [Fact]
    public void AToyPreferenceMovesThePolicyTheRightWay()
    {
        using CqtVisionTransformer reference = Generator(11);
        using CqtVisionTransformer policy = Generator(11);
        List<DpoExample> pairs = ToyPairs(reference, 4, 6);
        Assert.Contains(pairs, p => p.Target == 1f);
        Assert.Contains(pairs, p => p.Target == 0f);
        double before = ExpectedLevelOfControl0(policy, pairs);

        var options = new DpoTrainingOptions { Epochs = 3, StepsPerEpoch = 10, BatchSize = 4, LearningRate = 3e-3, ValidationFraction = 0, Seed = 1 };
        IReadOnlyList<DpoProgress> history = DpoTrainer.Train(policy, reference, pairs, Array.Empty<DpoExample>(), options);

        double after = ExpectedLevelOfControl0(policy, pairs);
        Assert.True(after > before + 0.05, $"the expected level of control 0 went from {before:F3} to {after:F3}");
        Assert.Equal(before, ExpectedLevelOfControl0(reference, pairs), 6); // the reference stays frozen
        DpoEvaluation end = history[^1].Validation!;
        Assert.True(end.Loss < Math.Log(2) && end.Margin > 0 && end.Accuracy > 0.7, $"loss {end.Loss}, margin {end.Margin}, accuracy {end.Accuracy}");
        Assert.True(end.ChosenReward > end.RejectedReward);
    }

    [Fact]
    public void ResumingFromTheCheckpointEndsWithTheSameWeights()
    {
        using CqtVisionTransformer reference = Generator(3);
        List<DpoExample> pairs = ToyPairs(reference, 4, 3);
        (List<DpoExample> training, List<DpoExample> validation) = RewardExamples.SplitByClip(pairs, e => e.Clip, 0.25, 2);
        var options = new DpoTrainingOptions { Epochs = 3, StepsPerEpoch = 2, BatchSize = 3, LearningRate = 1e-3, Seed = 4, Ties = TiePolicy.Half, CheckpointPath = Path.Combine(_dir, "whole.bin") };

        using CqtVisionTransformer whole = Generator(3);
        IReadOnlyList<DpoProgress> history = DpoTrainer.Train(whole, reference, training, validation, options);
        Assert.Equal(3, history.Count);

        using CqtVisionTransformer interrupted = Generator(3);
        var resumable = options with { CheckpointPath = Path.Combine(_dir, "resumed.bin") };
        using var cancel = new CancellationTokenSource();
        var stopAfterFirstEpoch = new Progress(p => { if (p.EndOfEpoch) { cancel.Cancel(); } });
        Assert.Throws<OperationCanceledException>(() => DpoTrainer.Train(interrupted, reference, training, validation, resumable, stopAfterFirstEpoch, cancellation: cancel.Token));

        using CqtVisionTransformer resumed = Generator(3);
        IReadOnlyList<DpoProgress> resumedHistory = DpoTrainer.Train(resumed, reference, training, validation, resumable, resume: true);
        Assert.Equal(Parameters(whole), Parameters(resumed));
        Assert.Equal(history.Select(h => h.Loss), resumedHistory.Select(h => h.Loss));
        Assert.Equal(history.Select(h => h.Validation!.Margin), resumedHistory.Select(h => h.Validation!.Margin));

        // Against another reference the checkpoint is refused.
        using CqtVisionTransformer other = Generator(4);
        using CqtVisionTransformer again = Generator(3);
        Assert.Throws<InvalidDataException>(() => DpoTrainer.Train(again, other, training, validation, resumable, resume: true));
    }

    [Fact]
    public void BadPairsAreRefusedWithTheClipNamed()
    {
        using CqtVisionTransformer reference = Generator(3);
        using CqtVisionTransformer policy = Generator(3);
        DpoExample good = ToyPairs(reference, 1, 1)[0] with { };
        var options = new DpoTrainingOptions { Epochs = 1, StepsPerEpoch = 1, BatchSize = 1, ValidationFraction = 0 };

        DpoExample offLevel = good with { Pair = good.Pair with { A = good.Pair.A.Select(v => v * 0.97f + 0.01f).ToArray() } };
        ArgumentException e = Assert.Throws<ArgumentException>(() => DpoTrainer.Train(policy, reference, new[] { offLevel }, Array.Empty<DpoExample>(), options));
        Assert.Contains("clip0", e.Message);
        Assert.Contains("16 levels", e.Message);

        DpoExample deterministic = good with { BTemperature = 0 };
        Assert.Contains("temperatures", Assert.Throws<ArgumentException>(() => DpoTrainer.Train(policy, reference, new[] { deterministic }, Array.Empty<DpoExample>(), options)).Message);

        DpoExample wrongLength = good with { Pair = good.Pair with { B = good.Pair.B.Take(8).ToArray() } };
        Assert.Contains("control values", Assert.Throws<ArgumentException>(() => DpoTrainer.Train(policy, reference, new[] { wrongLength }, Array.Empty<DpoExample>(), options)).Message);

        using var wider = new CqtVisionTransformer(Small with { EmbedDim = 64 });
        Assert.Throws<ArgumentException>(() => DpoTrainer.Train(wider, reference, new[] { good }, Array.Empty<DpoExample>(), options));

        DpoExample tie = good with { Pair = good.Pair with { Target = 0.5f } };
        Assert.Throws<ArgumentException>(() => DpoTrainer.Train(policy, reference, new[] { tie }, Array.Empty<DpoExample>(), options)); // ties skipped: nothing left
        Assert.Throws<ArgumentOutOfRangeException>(() => DpoTrainer.Train(policy, reference, new[] { good }, Array.Empty<DpoExample>(), options with { Beta = -1 }));
    }

    private sealed class Progress(Action<DpoProgress> report) : IProgress<DpoProgress>
    {
        public void Report(DpoProgress value) => report(value);
    }
}
