using CqtMl.Torch.Generator;
using CqtMl.Torch.Reward;
using CqtMl.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Torch.Dpo;

/// <summary>
/// Direct preference optimisation of a generator on labelled pairs (TRL's <c>DPOTrainer</c>, sigmoid loss): the
/// policy's log-probability of each sample (<see cref="PolicyLogProbability"/>, dropout off) against the frozen
/// reference's, the DPO loss (<see cref="DpoLoss"/>), AdamW with linear warm-up and cosine decay, gradient clipping,
/// held-out loss, margins and accuracy every epoch, progress, cancellation, atomic checkpoints and resume. Both samples
/// of a pair share the clip, so one forward pass scores both. The reference's log-probabilities are computed once at
/// the start. Everything random in a step derives from (seed, step), so a resumed run ends with the same weights as an
/// uninterrupted one on the CPU.
/// </summary>
public static class DpoTrainer
{
    private const int EvaluationBatch = 8;

    /// <summary>Fine-tunes <paramref name="policy"/> in place.</summary>
    /// <param name="policy">The generator to improve (usually a copy of <paramref name="reference"/>).</param>
    /// <param name="reference">The frozen starting generator (not changed).</param>
    /// <param name="training">Training pairs.</param>
    /// <param name="validation">Held-out pairs, or none.</param>
    /// <param name="options">Training options.</param>
    /// <param name="progress">Receives a report per step and per epoch, or null.</param>
    /// <param name="resume">Continue from <see cref="DpoTrainingOptions.CheckpointPath"/> when it exists.</param>
    /// <param name="cancellation">Stops between steps (the last checkpoint stays valid).</param>
    /// <returns>One report per epoch.</returns>
    public static IReadOnlyList<DpoProgress> Train(CqtVisionTransformer policy, CqtVisionTransformer reference, IReadOnlyList<DpoExample> training, IReadOnlyList<DpoExample> validation, DpoTrainingOptions options, IProgress<DpoProgress>? progress = null, bool resume = false, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (policy.Config != reference.Config)
        {
            throw new ArgumentException("The policy and the reference generator must have the same architecture.", nameof(reference));
        }

        foreach (DpoExample example in training.Concat(validation))
        {
            Check(example, policy.Config);
        }

        List<DpoExample> used = training.Where(e => options.Ties == TiePolicy.Half || e.Target != 0.5f).ToList();
        if (used.Count == 0)
        {
            throw new ArgumentException("No training pairs (after leaving out ties, if asked).", nameof(training));
        }

        Device device = TorchRuntime.DefaultDevice;
        policy.to(device);
        reference.to(device);
        IReadOnlyList<DpoExample> evaluated = validation.Count > 0 ? validation : used;
        Dictionary<DpoExample, (float A, float B)> referenceLogProbabilities = LogProbabilities(reference, used.Concat(evaluated).Distinct().ToList());

        using var optimizer = new AdamWOptimizer(policy.parameters(), options.LearningRate, options.WeightDecay);
        using var unusedAverage = new WeightAverage(policy.parameters(), 0);
        int stepsPerEpoch = options.StepsPerEpoch ?? (used.Count + options.BatchSize - 1) / options.BatchSize;
        int totalSteps = options.Epochs * stepsPerEpoch, warmup = (int)(options.WarmupFraction * totalSteps);
        ILookup<int, DpoExample> byLength = used.ToLookup(e => e.Frames);
        double fingerprint = referenceLogProbabilities.Values.Sum(p => (double)p.A + p.B);
        var history = new List<DpoProgress>();
        int step = 0;
        if (resume && options.CheckpointPath is string existing && File.Exists(existing))
        {
            step = Checkpoint.Load(existing, Checkpoint.DpoMagic, policy, optimizer, unusedAverage, reader =>
            {
                double saved = reader.ReadDouble();
                if (Math.Abs(saved - fingerprint) > 1e-6 * Math.Max(1, Math.Abs(fingerprint)))
                {
                    throw new InvalidDataException($"{existing}: the checkpoint was made with another reference generator or other pairs (reference log-likelihood {saved:R}, now {fingerprint:R}).");
                }

                Checkpoint.ReadHistory(reader, history, ReadProgress);
            });
        }

        while (step < totalSteps)
        {
            cancellation.ThrowIfCancellationRequested();
            int epoch = (step / stepsPerEpoch) + 1;
            double epochLoss = 0, margins = 0;
            int epochSteps = 0, correct = 0, strict = 0;
            while (step < epoch * stepsPerEpoch)
            {
                cancellation.ThrowIfCancellationRequested();
                double lr = LearningRateSchedule.WarmupCosine(step, totalSteps, warmup, options.LearningRate);
                optimizer.LearningRate = lr;
                StepResult result = Step(policy, optimizer, used, byLength, referenceLogProbabilities, options, step, device);
                step++;
                epochLoss += result.Loss;
                epochSteps++;
                correct += result.Correct;
                strict += result.Strict;
                margins += result.MarginSum;
                progress?.Report(new DpoProgress(epoch, step, result.Loss, lr, result.Strict > 0 ? result.MarginSum / result.Strict : null, result.Strict > 0 ? (double)result.Correct / result.Strict : null, null, false));
            }

            DpoEvaluation held = Evaluate(policy, evaluated, referenceLogProbabilities, options);
            var report = new DpoProgress(epoch, step, epochLoss / epochSteps, LearningRateSchedule.WarmupCosine(step - 1, totalSteps, warmup, options.LearningRate), strict > 0 ? margins / strict : null, strict > 0 ? (double)correct / strict : null, held, true);
            history.Add(report);
            progress?.Report(report);
            if (options.CheckpointPath is string path)
            {
                Checkpoint.Save(path, Checkpoint.DpoMagic, policy, optimizer, unusedAverage, step, writer =>
                {
                    writer.Write(fingerprint);
                    Checkpoint.WriteHistory(writer, history, WriteProgress);
                });
            }
        }

        policy.eval();
        return history;
    }

    /// <summary>The DPO figures of <paramref name="policy"/> against <paramref name="reference"/> on some pairs (evaluation mode, no gradients).</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="reference">The reference generator.</param>
    /// <param name="examples">The pairs.</param>
    /// <param name="options">Beta and the tie policy.</param>
    /// <returns>The figures.</returns>
    public static DpoEvaluation Evaluate(CqtVisionTransformer policy, CqtVisionTransformer reference, IReadOnlyList<DpoExample> examples, DpoTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(options);
        return Evaluate(policy, examples, LogProbabilities(reference, examples), options);
    }

    /// <summary>The log-probabilities of both samples of every pair under a generator (evaluation mode, no gradients, batched by clip length).</summary>
    /// <param name="model">The generator.</param>
    /// <param name="examples">The pairs.</param>
    /// <returns>Per pair, log pi(A) and log pi(B).</returns>
    public static Dictionary<DpoExample, (float A, float B)> LogProbabilities(CqtVisionTransformer model, IReadOnlyList<DpoExample> examples)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        model.eval();
        Device device = model.parameters().First().device;
        var result = new Dictionary<DpoExample, (float A, float B)>(ReferenceEqualityComparer.Instance);
        foreach (IGrouping<int, DpoExample> group in examples.Distinct(ReferenceEqualityComparer.Instance).Cast<DpoExample>().GroupBy(e => e.Frames))
        {
            foreach (DpoExample[] batch in group.Chunk(EvaluationBatch))
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                (Tensor a, Tensor b) = PairLogProbabilities(model, batch, device);
                float[] av = a.cpu().data<float>().ToArray(), bv = b.cpu().data<float>().ToArray();
                for (int i = 0; i < batch.Length; i++)
                {
                    result[batch[i]] = (av[i], bv[i]);
                }
            }
        }

        return result;
    }

    private static DpoEvaluation Evaluate(CqtVisionTransformer policy, IReadOnlyList<DpoExample> examples, Dictionary<DpoExample, (float A, float B)> reference, DpoTrainingOptions options)
    {
        List<DpoExample> used = examples.Where(e => options.Ties == TiePolicy.Half || e.Target != 0.5f).ToList();
        Dictionary<DpoExample, (float A, float B)> current = LogProbabilities(policy, used);
        double loss = 0, margin = 0, chosen = 0, rejected = 0;
        int strict = 0, correct = 0;
        foreach (DpoExample e in used)
        {
            double ra = options.Beta * (current[e].A - reference[e].A), rb = options.Beta * (current[e].B - reference[e].B), d = ra - rb;
            loss += (e.Target * Softplus(-d)) + ((1 - e.Target) * Softplus(d));
            if (e.Target != 0.5f)
            {
                double m = e.Target == 1 ? d : -d;
                strict++;
                margin += m;
                chosen += e.Target == 1 ? ra : rb;
                rejected += e.Target == 1 ? rb : ra;
                correct += m > 0 ? 1 : 0;
            }
        }

        return new DpoEvaluation(used.Count > 0 ? loss / used.Count : double.NaN, margin / strict, chosen / strict, rejected / strict, (double)correct / strict, used.Count);
    }

    private static double Softplus(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));

    /// <summary>log pi of the A and of the B samples of a batch of pairs of equal length: one forward pass per clip.</summary>
    private static (Tensor A, Tensor B) PairLogProbabilities(CqtVisionTransformer model, IReadOnlyList<DpoExample> batch, Device device)
    {
        int n = batch.Count, t = batch[0].Frames, bins = model.Config.Bins;
        Tensor cqt = tensor(batch.SelectMany(e => e.Pair.Cqt).ToArray(), n, GeneratorConfig.InputChannels, bins, t).to(device);
        Tensor logits = model.forward(cqt);
        Tensor a = PolicyLogProbability.Compute(logits, tensor(batch.SelectMany(e => e.Pair.A).ToArray(), n, GeneratorConfig.Controls, t), tensor(batch.Select(e => e.ATemperature).ToArray()));
        Tensor b = PolicyLogProbability.Compute(logits, tensor(batch.SelectMany(e => e.Pair.B).ToArray(), n, GeneratorConfig.Controls, t), tensor(batch.Select(e => e.BTemperature).ToArray()));
        return (a, b);
    }

    private static StepResult Step(CqtVisionTransformer policy, AdamWOptimizer optimizer, IReadOnlyList<DpoExample> training, ILookup<int, DpoExample> byLength, Dictionary<DpoExample, (float A, float B)> reference, DpoTrainingOptions options, int step, Device device)
    {
        using var scope = NewDisposeScope();
        var random = new Random(unchecked((int)(((long)options.Seed * 1_000_003) + (step * 7919L))));

        // A random pair, then the rest of the batch from pairs of the same length (tensors need one T).
        DpoExample first = training[random.Next(training.Count)];
        DpoExample[] sameLength = byLength[first.Frames].ToArray();
        DpoExample[] batch = new[] { first }.Concat(Enumerable.Range(1, options.BatchSize - 1).Select(_ => sameLength[random.Next(sameLength.Length)])).ToArray();

        // Dropout off: the log-probabilities are those of the generator as it samples.
        policy.eval();
        policy.zero_grad();
        (Tensor pa, Tensor pb) = PairLogProbabilities(policy, batch, device);
        Tensor refA = tensor(batch.Select(e => reference[e].A).ToArray()).to(device), refB = tensor(batch.Select(e => reference[e].B).ToArray()).to(device);
        Tensor targets = tensor(batch.Select(e => e.Target).ToArray()).to(device);
        Tensor loss = DpoLoss.Compute(pa, pb, refA, refB, targets, options.Beta);
        loss.backward();
        nn.utils.clip_grad_norm_(policy.parameters(), options.GradientClip);
        optimizer.Step();

        float[] ra = DpoLoss.ImplicitRewards(pa.detach(), refA, options.Beta).cpu().data<float>().ToArray();
        float[] rb = DpoLoss.ImplicitRewards(pb.detach(), refB, options.Beta).cpu().data<float>().ToArray();
        int correct = 0, strict = 0;
        double margins = 0;
        for (int i = 0; i < batch.Length; i++)
        {
            if (batch[i].Target != 0.5f)
            {
                double m = batch[i].Target == 1 ? ra[i] - rb[i] : rb[i] - ra[i];
                strict++;
                margins += m;
                correct += m > 0 ? 1 : 0;
            }
        }

        return new StepResult(loss.item<float>(), correct, strict, margins);
    }

    private static void Check(DpoExample example, GeneratorConfig config)
    {
        RewardExample pair = example.Pair;
        RewardTrainer.Check(pair, config.Bins);
        if (!(example.ATemperature > 0) || !(example.BTemperature > 0) || float.IsInfinity(example.ATemperature) || float.IsInfinity(example.BTemperature))
        {
            throw new ArgumentException($"Pair of clip {pair.Clip}: temperatures {example.ATemperature} / {example.BTemperature} must be positive and finite (deterministic samples have no likelihood to optimise).");
        }

        foreach ((float[] controls, string name) in new[] { (pair.A, "A"), (pair.B, "B") })
        {
            int off = PolicyLogProbability.FirstOffLevel(controls, config.Levels);
            if (off >= 0)
            {
                throw new ArgumentException($"Pair of clip {pair.Clip}: sample {name}'s control {off} ({controls[off]}) is not one of the generator's {config.Levels} levels i / {config.Levels - 1}: samples of another generator?");
            }
        }
    }

    private static void WriteProgress(BinaryWriter writer, DpoProgress p)
    {
        writer.Write(p.Epoch);
        writer.Write(p.Step);
        writer.Write(p.Loss);
        writer.Write(p.LearningRate);
        writer.Write(p.Margin ?? double.NaN);
        writer.Write(p.Accuracy ?? double.NaN);
        DpoEvaluation v = p.Validation!;
        writer.Write(v.Loss);
        writer.Write(v.Margin);
        writer.Write(v.ChosenReward);
        writer.Write(v.RejectedReward);
        writer.Write(v.Accuracy);
        writer.Write(v.Pairs);
    }

    private static DpoProgress ReadProgress(BinaryReader reader)
    {
        int epoch = reader.ReadInt32(), step = reader.ReadInt32();
        double loss = reader.ReadDouble(), lr = reader.ReadDouble(), margin = reader.ReadDouble(), accuracy = reader.ReadDouble();
        var validation = new DpoEvaluation(reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadInt32());
        return new DpoProgress(epoch, step, loss, lr, double.IsNaN(margin) ? null : margin, double.IsNaN(accuracy) ? null : accuracy, validation, true);
    }

    private readonly record struct StepResult(double Loss, int Correct, int Strict, double MarginSum);
}
