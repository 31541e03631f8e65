namespace CqtMl.Torch.Training;

/// <summary>One labelled note at the CQT frame rate.</summary>
/// <param name="StartFrame">The first frame.</param>
/// <param name="EndFrame">The end frame (exclusive).</param>
/// <param name="MidiNote">The MIDI note number.</param>
public sealed record NoteSpan(int StartFrame, int EndFrame, int MidiNote);

/// <summary>One recording for supervised generator training.</summary>
/// <param name="Cqt">CQT magnitudes <c>[2, bins, Frames]</c>, row-major.</param>
/// <param name="Targets">Register activity <c>[4, Frames]</c>; a register counts as active above 0.5.</param>
/// <param name="Frames">The number of frames.</param>
/// <param name="Notes">
/// The notes behind <paramref name="Targets"/>, or null. With them, training can shift crops in pitch and recompute
/// the registers (see <see cref="GeneratorTrainingOptions.PitchShiftSemitones"/>).
/// </param>
public sealed record TrainingExample(float[] Cqt, float[] Targets, int Frames, IReadOnlyList<NoteSpan>? Notes = null);

/// <summary>Options of supervised generator training. Defaults suit the demo preset on a CPU.</summary>
public sealed record GeneratorTrainingOptions
{
    /// <summary>Gets the number of epochs. Default 40 (800 steps: about 2 minutes for the demo preset on 2 cores).</summary>
    public int Epochs { get; init; } = 40;

    /// <summary>Gets the optimisation steps per epoch. Default 20.</summary>
    public int StepsPerEpoch { get; init; } = 20;

    /// <summary>Gets the batch size. Default 16.</summary>
    public int BatchSize { get; init; } = 16;

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

    /// <summary>
    /// Gets the range of the random gain applied to each training crop: uniform in +-GainDecibels dB, so that the
    /// model does not learn the recordings' levels. Default 12; 0 turns it off.
    /// </summary>
    public double GainDecibels { get; init; } = 12;

    /// <summary>
    /// Gets the probability that a training crop is mixed with a second random crop: CQT magnitudes added (a close
    /// approximation of the mixture's CQT where the two rarely share a bin) and register targets combined with OR. It
    /// shows the model register combinations the few training recordings lack. Default 0.5; 0 turns it off.
    /// </summary>
    public double MixProbability { get; init; } = 0.5;

    /// <summary>
    /// Gets a value indicating whether the loss is balanced per register: active and silent frames of each register
    /// weigh equally in total (weights 0.5 / p and 0.5 / (1 - p) for a register active a fraction p of the training
    /// frames, p clamped to [0.02, 0.98]), so rare registers are not simply predicted silent. Default true.
    /// </summary>
    public bool BalanceRegisters { get; init; } = true;

    /// <summary>
    /// Gets the largest pitch shift of a training crop, in semitones: crops of examples with <see
    /// cref="TrainingExample.Notes"/> move up or down by a random whole number of semitones up to this (the CQT slides
    /// along its frequency axis, the notes move with it and the registers are recomputed), which shows every register
    /// boundary many instruments. Default 12; 0 turns it off.
    /// </summary>
    public int PitchShiftSemitones { get; init; } = 12;

    /// <summary>
    /// Gets the range of a random spectral tilt applied to each training crop, in dB per octave (uniform in +-this,
    /// 0 dB at the middle bin): a crude random equaliser that changes how strong harmonics are against fundamentals,
    /// so that the model does not take an instrument's bright timbre for a higher register. Default 6; 0 turns it off.
    /// </summary>
    public double TiltDecibelsPerOctave { get; init; } = 6;

    /// <summary>Gets the CQT's bins per octave (a multiple of 12), to turn semitones into bins. Default 12.</summary>
    public int BinsPerOctave { get; init; } = 12;

    /// <summary>
    /// Gets a value indicating whether transformer blocks are checkpointed: their activations are recomputed in the
    /// backward pass instead of kept (less memory, about a third more time per step). Default false.
    /// </summary>
    public bool GradientCheckpointing { get; init; }

    /// <summary>
    /// Gets the number format of the forward and backward passes. Default <see cref="TrainingPrecision.Float32"/>;
    /// <see cref="TrainingPrecision.BFloat16"/> (mixed precision) only where the device supports it.
    /// </summary>
    public TrainingPrecision Precision { get; init; } = TrainingPrecision.Float32;

    /// <summary>
    /// Gets the decay of the exponential moving average of the weights that validation uses and training returns
    /// (0 keeps just the last step's weights). Default 0.98 (an average over roughly the last 50 steps).
    /// </summary>
    public double AverageDecay { get; init; } = 0.98;

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

        if (PitchShiftSemitones is < 0 or > 48 || BinsPerOctave < 12 || BinsPerOctave % 12 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(PitchShiftSemitones), "The pitch shift must be in [0, 48] semitones and the bins per octave a positive multiple of 12.");
        }

        if (AverageDecay is < 0 or >= 1 || double.IsNaN(AverageDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(AverageDecay), AverageDecay, "The weight-average decay must be in [0, 1).");
        }

        if (TiltDecibelsPerOctave is < 0 or > 24 || double.IsNaN(TiltDecibelsPerOctave))
        {
            throw new ArgumentOutOfRangeException(nameof(TiltDecibelsPerOctave), TiltDecibelsPerOctave, "The tilt range must be in [0, 24] dB per octave.");
        }

        if (GainDecibels is < 0 or > 60 || MixProbability is < 0 or > 1 || double.IsNaN(GainDecibels) || double.IsNaN(MixProbability))
        {
            throw new ArgumentOutOfRangeException(nameof(GainDecibels), "The gain range must be in [0, 60] dB and the mix probability in [0, 1].");
        }

        if (!(LearningRate > 0) || WeightDecay < 0 || WarmupFraction is < 0 or >= 1 || !(GradientClip > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), "Learning rate and clip must be positive, weight decay not negative, warm-up in [0, 1).");
        }

        if (!Enum.IsDefined(Precision))
        {
            throw new ArgumentOutOfRangeException(nameof(Precision), Precision, "Unknown training precision.");
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
