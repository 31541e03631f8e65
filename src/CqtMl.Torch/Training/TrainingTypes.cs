namespace CqtMl.Torch.Training;

/// <summary>One recording for supervised generator training.</summary>
/// <param name="Cqt">CQT magnitudes <c>[2, bins, Frames]</c>, row-major.</param>
/// <param name="Targets">Register activity <c>[4, Frames]</c> in [0, 1].</param>
/// <param name="Frames">The number of frames.</param>
public sealed record TrainingExample(float[] Cqt, float[] Targets, int Frames);

/// <summary>Options of supervised generator training. Defaults suit the demo preset on a CPU.</summary>
public sealed record GeneratorTrainingOptions
{
    /// <summary>Gets the number of epochs. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Gets the optimisation steps per epoch. Default 20.</summary>
    public int StepsPerEpoch { get; init; } = 20;

    /// <summary>Gets the batch size. Default 8.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Gets the crop length in frames (344 = 1 s at 22050 Hz, hop 64). Default 344.</summary>
    public int CropFrames { get; init; } = 344;

    /// <summary>Gets the peak learning rate of AdamW. Default 3e-4.</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>Gets AdamW's weight decay. Default 0.05.</summary>
    public double WeightDecay { get; init; } = 0.05;

    /// <summary>Gets the fraction of all steps spent warming the learning rate up linearly. Default 0.1.</summary>
    public double WarmupFraction { get; init; } = 0.1;

    /// <summary>Gets the gradient-norm clip. Default 1.</summary>
    public double GradientClip { get; init; } = 1.0;

    /// <summary>Gets the seed of initialisation, sampling and dropout. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Gets the checkpoint file written atomically after every epoch, or null. Default null.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Checks the options.</summary>
    public void Validate()
    {
        if (Epochs < 1 || StepsPerEpoch < 1 || BatchSize < 1 || CropFrames < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs), "Epochs, steps per epoch, batch size and crop length must be positive.");
        }

        if (!(LearningRate > 0) || WeightDecay < 0 || WarmupFraction is < 0 or >= 1 || !(GradientClip > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), "Learning rate and clip must be positive, weight decay not negative, warm-up in [0, 1).");
        }
    }
}

/// <summary>Progress after an optimisation step or an epoch.</summary>
/// <param name="Epoch">The epoch (1-based).</param>
/// <param name="Step">The global step (1-based).</param>
/// <param name="Loss">The step's (or epoch's mean) training loss.</param>
/// <param name="LearningRate">The learning rate used.</param>
/// <param name="ValidationF1">Frame-level register F1 on the validation set at the end of an epoch, else null.</param>
public sealed record TrainingProgress(int Epoch, int Step, double Loss, double LearningRate, double? ValidationF1);
