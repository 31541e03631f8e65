using CqtMl.Onnx.Generation;
using CqtMl.Torch.Generator;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CqtMl.Torch.Training;

/// <summary>
/// Supervised training of the generator on 4-register targets: random crops, cross-entropy over K levels, AdamW with
/// linear warm-up and cosine decay, gradient clipping, a frame-level F1 on the validation set every epoch, progress
/// reporting, cancellation, atomic checkpoints and resume. Sampling and dropout are seeded per global step, so a run
/// resumed from its checkpoint ends with the same weights as an uninterrupted run on the CPU, provided nothing else
/// in the process draws from TorchSharp's global random generator at the same time.
/// </summary>
public static class GeneratorTrainer
{
    /// <summary>Trains <paramref name="model"/> in place.</summary>
    /// <param name="model">The generator.</param>
    /// <param name="training">Training recordings.</param>
    /// <param name="validation">Validation recordings (evaluated whole, deterministically).</param>
    /// <param name="options">Training options.</param>
    /// <param name="progress">Receives a report per step and per epoch (ValidationF1 set), or null.</param>
    /// <param name="resume">Continue from <see cref="GeneratorTrainingOptions.CheckpointPath"/> when it exists.</param>
    /// <param name="cancellation">Stops between steps (the last checkpoint stays valid).</param>
    /// <returns>One report per epoch.</returns>
    public static IReadOnlyList<TrainingProgress> Train(CqtVisionTransformer model, IReadOnlyList<TrainingExample> training, IReadOnlyList<TrainingExample> validation, GeneratorTrainingOptions options, IProgress<TrainingProgress>? progress = null, bool resume = false, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (training.Count == 0)
        {
            throw new ArgumentException("No training examples.", nameof(training));
        }

        int bins = model.Config.Bins, k = model.Config.Levels;
        foreach (TrainingExample example in training.Concat(validation))
        {
            if (example.Frames < 1 || example.Cqt.Length != 2 * bins * example.Frames || example.Targets.Length != 4 * example.Frames)
            {
                throw new ArgumentException($"An example has {example.Cqt.Length} CQT values and {example.Targets.Length} targets for {example.Frames} frames (expected 2 x {bins} x frames and 4 x frames).");
            }
        }

        // CUDA when TorchSharp reports it (a CUDA TorchSharp bundle on a GPU machine), otherwise the CPU (float32).
        Device device = TorchRuntime.DefaultDevice;
        model.to(device);
        model.GradientCheckpointing = options.GradientCheckpointing;
        using var replica = options.Precision == TrainingPrecision.BFloat16 ? new BFloat16Replica(model, device) : null;
        using var optimizer = new AdamWOptimizer(model.parameters(), options.LearningRate, options.WeightDecay);
        using var average = new WeightAverage(model.parameters(), options.AverageDecay);
        var balance = options.BalanceRegisters ? RegisterBalance.From(training) : RegisterBalance.Uniform;
        int totalSteps = options.Epochs * options.StepsPerEpoch, warmup = (int)(options.WarmupFraction * totalSteps);
        int step = 0;
        var history = new List<TrainingProgress>();
        if (resume && options.CheckpointPath is string existing && File.Exists(existing))
        {
            step = Checkpoint.Load(existing, Checkpoint.GeneratorMagic, model, optimizer, average, reader => Checkpoint.ReadHistory(reader, history, ReadProgress));
        }

        while (step < totalSteps)
        {
            cancellation.ThrowIfCancellationRequested();
            int epoch = (step / options.StepsPerEpoch) + 1;
            double epochLoss = 0;
            int epochSteps = 0;
            for (; step < epoch * options.StepsPerEpoch; )
            {
                cancellation.ThrowIfCancellationRequested();
                double lr = LearningRate(step, totalSteps, warmup, options.LearningRate);
                optimizer.LearningRate = lr;

                double loss = Step(model, replica, optimizer, training, balance, options, step, bins, k, device);
                average.Update();
                step++;
                epochLoss += loss;
                epochSteps++;
                progress?.Report(new TrainingProgress(epoch, step, loss, lr, null));
            }

            // Validation (and the final model) use the averaged weights.
            average.Swap();
            double f1 = Evaluate(model, validation.Count > 0 ? validation : training);
            average.Swap();
            var report = new TrainingProgress(epoch, step, epochLoss / epochSteps, LearningRate(step - 1, totalSteps, warmup, options.LearningRate), f1);
            history.Add(report);
            progress?.Report(report);
            if (options.CheckpointPath is string path)
            {
                Checkpoint.Save(path, Checkpoint.GeneratorMagic, model, optimizer, average, step, writer => Checkpoint.WriteHistory(writer, history, WriteProgress));
            }
        }

        average.Swap();
        model.eval();
        return history;
    }

    /// <summary>Frame-level register F1 of deterministic generation over whole recordings.</summary>
    /// <param name="model">The generator.</param>
    /// <param name="examples">The recordings.</param>
    /// <returns>F1 over all registers and frames.</returns>
    public static double Evaluate(CqtVisionTransformer model, IReadOnlyList<TrainingExample> examples)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        var predicted = new List<float>();
        var targets = new List<float>();
        foreach (TrainingExample example in examples)
        {
            using var cqt = tensor(example.Cqt, 1, 2, model.Config.Bins, example.Frames);
            predicted.AddRange(ControlSampler.Generate(model, cqt, new GenerationOptions()));
            targets.AddRange(example.Targets);
        }

        return RegisterMetrics.F1(predicted.ToArray(), targets.ToArray());
    }

    private static double Step(CqtVisionTransformer model, BFloat16Replica? replica, AdamWOptimizer optimizer, IReadOnlyList<TrainingExample> training, RegisterBalance balance, GeneratorTrainingOptions options, int step, int bins, int k, Device device)
    {
        using var scope = NewDisposeScope();

        // Everything random in a step derives from (seed, step): resuming reproduces it exactly.
        torch.manual_seed(((long)options.Seed * 1_000_003) + step);
        (float[] x, long[] y) = TrainingBatch.Draw(training, options, step, bins, k);
        CqtVisionTransformer working = replica?.Load() ?? model;
        working.train();
        working.zero_grad();
        ScalarType compute = replica is null ? ScalarType.Float32 : ScalarType.BFloat16;
        Tensor logits = working.forward(tensor(x, options.BatchSize, 2, bins, options.CropFrames).to(device).to(compute)).to(ScalarType.Float32);
        Tensor perFrame = nn.functional.cross_entropy(logits.permute(0, 1, 3, 2).reshape(-1, k), tensor(y).to(device), reduction: nn.Reduction.None);
        Tensor weights = tensor(balance.Weights(y, options.CropFrames, k)).to(device);
        Tensor loss = perFrame.mul(weights).sum().div(weights.sum());
        loss.backward();
        if (replica is null)
        {
            nn.utils.clip_grad_norm_(model.parameters(), options.GradientClip);
            optimizer.Step();
        }
        else
        {
            optimizer.Step(replica.ClippedGradients(options.GradientClip));
        }

        return loss.item<float>();
    }

    private static double LearningRate(int step, int total, int warmup, double peak) => LearningRateSchedule.WarmupCosine(step, total, warmup, peak);

    private static void WriteProgress(BinaryWriter writer, TrainingProgress h)
    {
        writer.Write(h.Epoch);
        writer.Write(h.Step);
        writer.Write(h.Loss);
        writer.Write(h.LearningRate);
        writer.Write(h.ValidationF1 ?? double.NaN);
    }

    private static TrainingProgress ReadProgress(BinaryReader reader)
    {
        int epoch = reader.ReadInt32(), step = reader.ReadInt32();
        double loss = reader.ReadDouble(), lr = reader.ReadDouble(), f1 = reader.ReadDouble();
        return new TrainingProgress(epoch, step, loss, lr, double.IsNaN(f1) ? null : f1);
    }
}
