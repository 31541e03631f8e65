using CqtMl.Torch.Generator;
using CqtMl.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Torch.Reward;

/// <summary>
/// Trains a <see cref="RewardModel"/> on labelled pairs: batches of pairs from clips of equal length, the CQT encoded
/// once per pair and both samples scored against it, the Bradley-Terry loss with ties, margin and centring
/// (<see cref="BradleyTerryLoss"/>), AdamW with linear warm-up and cosine decay, gradient clipping, a weight average,
/// held-out pairwise accuracy every epoch, progress, cancellation, atomic checkpoints and resume. Everything random in
/// a step derives from (seed, step), so a resumed run ends with the same weights as an uninterrupted one on the CPU.
/// </summary>
public static class RewardTrainer
{
    private const int EvaluationBatch = 16;

    /// <summary>Trains <paramref name="model"/> in place.</summary>
    /// <param name="model">The reward model.</param>
    /// <param name="training">Training pairs (ties are used or skipped as <see cref="RewardTrainingOptions.Ties"/> says).</param>
    /// <param name="validation">Held-out pairs (their strict pairs give the accuracy), or none.</param>
    /// <param name="options">Training options.</param>
    /// <param name="progress">Receives a report per step and per epoch (ValidationAccuracy set), or null.</param>
    /// <param name="resume">Continue from <see cref="RewardTrainingOptions.CheckpointPath"/> when it exists.</param>
    /// <param name="cancellation">Stops between steps (the last checkpoint stays valid).</param>
    /// <returns>One report per epoch.</returns>
    public static IReadOnlyList<RewardTrainingProgress> Train(RewardModel model, IReadOnlyList<RewardExample> training, IReadOnlyList<RewardExample> validation, RewardTrainingOptions options, IProgress<RewardTrainingProgress>? progress = null, bool resume = false, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int bins = model.Config.Encoder.Bins;
        foreach (RewardExample example in training.Concat(validation))
        {
            Check(example, bins);
        }

        List<RewardExample> used = training.Where(e => options.Ties == TiePolicy.Half || e.Target != 0.5f).ToList();
        if (used.Count == 0)
        {
            throw new ArgumentException("No training pairs (after leaving out ties, if asked).", nameof(training));
        }

        Device device = TorchRuntime.DefaultDevice;
        model.to(device);
        using var optimizer = new AdamWOptimizer(model.parameters(), options.LearningRate, options.WeightDecay);
        using var average = new WeightAverage(model.parameters(), options.AverageDecay);
        int stepsPerEpoch = options.StepsPerEpoch ?? (used.Count + options.BatchSize - 1) / options.BatchSize;
        int totalSteps = options.Epochs * stepsPerEpoch, warmup = (int)(options.WarmupFraction * totalSteps);
        ILookup<int, RewardExample> byLength = used.ToLookup(e => e.Frames);
        var history = new List<RewardTrainingProgress>();
        int step = 0;
        if (resume && options.CheckpointPath is string existing && File.Exists(existing))
        {
            step = Checkpoint.Load(existing, Checkpoint.RewardMagic, model, optimizer, average, reader => Checkpoint.ReadHistory(reader, history, ReadProgress));
        }

        while (step < totalSteps)
        {
            cancellation.ThrowIfCancellationRequested();
            int epoch = (step / stepsPerEpoch) + 1;
            double epochLoss = 0;
            int epochSteps = 0, correct = 0, strict = 0;
            while (step < epoch * stepsPerEpoch)
            {
                cancellation.ThrowIfCancellationRequested();
                double lr = LearningRateSchedule.WarmupCosine(step, totalSteps, warmup, options.LearningRate);
                optimizer.LearningRate = lr;
                (double loss, int right, int counted) = Step(model, optimizer, used, byLength, options, step, bins, device);
                average.Update();
                step++;
                epochLoss += loss;
                epochSteps++;
                correct += right;
                strict += counted;
                progress?.Report(new RewardTrainingProgress(epoch, step, loss, lr, counted > 0 ? (double)right / counted : null, null, false));
            }

            average.Swap();
            double accuracy = Accuracy(model, validation.Count > 0 ? validation : used);
            average.Swap();
            var report = new RewardTrainingProgress(epoch, step, epochLoss / epochSteps, LearningRateSchedule.WarmupCosine(step - 1, totalSteps, warmup, options.LearningRate), strict > 0 ? (double)correct / strict : null, double.IsNaN(accuracy) ? null : accuracy, true);
            history.Add(report);
            progress?.Report(report);
            if (options.CheckpointPath is string path)
            {
                Checkpoint.Save(path, Checkpoint.RewardMagic, model, optimizer, average, step, writer => Checkpoint.WriteHistory(writer, history, WriteProgress));
            }
        }

        average.Swap();
        model.eval();
        return history;
    }

    /// <summary>Pairwise accuracy over the strict pairs (label a or b): the share whose preferred sample gets the higher reward.</summary>
    /// <param name="model">The reward model.</param>
    /// <param name="examples">The pairs.</param>
    /// <returns>The accuracy, or NaN when there is no strict pair.</returns>
    public static double Accuracy(RewardModel model, IReadOnlyList<RewardExample> examples)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        List<RewardExample> strict = examples.Where(e => e.Target != 0.5f).ToList();
        if (strict.Count == 0)
        {
            return double.NaN;
        }

        (float[] a, float[] b) = PairRewards(model, strict);
        int correct = 0;
        for (int i = 0; i < strict.Count; i++)
        {
            correct += RanksRight(strict[i].Target, a[i], b[i]) ? 1 : 0;
        }

        return (double)correct / strict.Count;
    }

    /// <summary>Scores both samples of every pair (evaluation mode, batched by clip length).</summary>
    /// <param name="model">The reward model.</param>
    /// <param name="examples">The pairs.</param>
    /// <returns>The rewards of the A and of the B samples, in order.</returns>
    public static (float[] A, float[] B) PairRewards(RewardModel model, IReadOnlyList<RewardExample> examples)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        model.eval();
        int bins = model.Config.Encoder.Bins;
        var a = new float[examples.Count];
        var b = new float[examples.Count];
        Device device = model.parameters().First().device;
        foreach (IGrouping<int, int> group in Enumerable.Range(0, examples.Count).GroupBy(i => examples[i].Frames))
        {
            foreach (int[] chunk in group.Chunk(EvaluationBatch))
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                RewardExample[] batch = chunk.Select(i => examples[i]).ToArray();
                Tensor rewards = PairForward(model, batch, bins, device).cpu();
                float[] values = rewards.data<float>().ToArray();
                for (int j = 0; j < chunk.Length; j++)
                {
                    a[chunk[j]] = values[j];
                    b[chunk[j]] = values[chunk.Length + j];
                }
            }
        }

        return (a, b);
    }

    /// <summary>The rewards of A then B <c>[2B]</c> for a batch of pairs of equal length; the CQT is encoded once.</summary>
    private static Tensor PairForward(RewardModel model, IReadOnlyList<RewardExample> batch, int bins, Device device)
    {
        int n = batch.Count, t = batch[0].Frames;
        Tensor cqt = tensor(batch.SelectMany(e => e.Cqt).ToArray(), n, GeneratorConfig.InputChannels, bins, t).to(device);
        Tensor controls = tensor(batch.SelectMany(e => e.A).Concat(batch.SelectMany(e => e.B)).ToArray(), 2 * n, GeneratorConfig.Controls, t).to(device);
        (Tensor tokens, Tensor spectrum) = model.EncodeCqt(cqt);
        return model.Score((cat(new[] { tokens, tokens }, 0), cat(new[] { spectrum, spectrum }, 0)), controls);
    }

    private static (double Loss, int Correct, int Strict) Step(RewardModel model, AdamWOptimizer optimizer, IReadOnlyList<RewardExample> training, ILookup<int, RewardExample> byLength, RewardTrainingOptions options, int step, int bins, Device device)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(((long)options.Seed * 1_000_003) + step);
        var random = new Random(unchecked((int)(((long)options.Seed * 1_000_003) + (step * 7919L))));

        // A random pair, then the rest of the batch from pairs of the same length (tensors need one T).
        RewardExample first = training[random.Next(training.Count)];
        RewardExample[] sameLength = byLength[first.Frames].ToArray();
        RewardExample[] batch = new[] { first }.Concat(Enumerable.Range(1, options.BatchSize - 1).Select(_ => sameLength[random.Next(sameLength.Length)])).ToArray();
        model.train();
        model.zero_grad();
        Tensor rewards = PairForward(model, batch, bins, device);
        Tensor ra = rewards.narrow(0, 0, batch.Length), rb = rewards.narrow(0, batch.Length, batch.Length);
        Tensor targets = tensor(batch.Select(e => e.Target).ToArray()).to(device);
        Tensor loss = BradleyTerryLoss.Compute(ra, rb, targets, options.Margin, options.Centring);
        loss.backward();
        nn.utils.clip_grad_norm_(model.parameters(), options.GradientClip);
        optimizer.Step();

        float[] a = ra.detach().cpu().data<float>().ToArray(), b = rb.detach().cpu().data<float>().ToArray();
        int correct = 0, strict = 0;
        for (int i = 0; i < batch.Length; i++)
        {
            if (batch[i].Target != 0.5f)
            {
                strict++;
                correct += RanksRight(batch[i].Target, a[i], b[i]) ? 1 : 0;
            }
        }

        return (loss.item<float>(), correct, strict);
    }

    /// <summary>Whether rewards <paramref name="a"/> and <paramref name="b"/> order a strict pair (target 1 or 0) as its label does.</summary>
    private static bool RanksRight(float target, float a, float b) => target == 1 ? a > b : b > a;

    /// <summary>Checks a pair's sizes (CQT and both controls for its frames) and target; the message names the clip.</summary>
    internal static void Check(RewardExample example, int bins)
    {
        if (example.Frames < 1 || example.Cqt.Length != 2L * bins * example.Frames || example.A.Length != 4L * example.Frames || example.B.Length != 4L * example.Frames)
        {
            throw new ArgumentException($"Pair of clip {example.Clip}: {example.Cqt.Length} CQT values and {example.A.Length} / {example.B.Length} control values for {example.Frames} frames (expected 2 x {bins} x frames and 4 x frames).");
        }

        if (example.Target is not (0f or 0.5f or 1f))
        {
            throw new ArgumentException($"Pair of clip {example.Clip}: target {example.Target} is not 0, 0.5 or 1.");
        }
    }

    private static void WriteProgress(BinaryWriter writer, RewardTrainingProgress h)
    {
        writer.Write(h.Epoch);
        writer.Write(h.Step);
        writer.Write(h.Loss);
        writer.Write(h.LearningRate);
        writer.Write(h.TrainingAccuracy ?? double.NaN);
        writer.Write(h.ValidationAccuracy ?? double.NaN);
    }

    private static RewardTrainingProgress ReadProgress(BinaryReader reader)
    {
        int epoch = reader.ReadInt32(), step = reader.ReadInt32();
        double loss = reader.ReadDouble(), lr = reader.ReadDouble(), train = reader.ReadDouble(), validation = reader.ReadDouble();
        return new RewardTrainingProgress(epoch, step, loss, lr, double.IsNaN(train) ? null : train, double.IsNaN(validation) ? null : validation, true);
    }
}
