using CqtMl.Onnx.Generation;
using CqtMl.Preferences.Comparisons;

namespace CqtMl.Preferences.Evaluation;

/// <summary>What <c>cqtml evaluate</c> draws and how the generators sample. Defaults are named once here; the CLI uses them.</summary>
public sealed record EvaluationOptions
{
    /// <summary>The default number of clips.</summary>
    public const int DefaultClips = 64;

    /// <summary>The default sampling temperature of both generators.</summary>
    public const double DefaultTemperature = 1.0;

    /// <summary>The default seed: not compare's default, so that evaluation clips are not the training clips by default.</summary>
    public const long DefaultSeed = 1_000_003;

    /// <summary>Gets the number of clips (one pair each). Default <see cref="DefaultClips"/>.</summary>
    public int Clips { get; init; } = DefaultClips;

    /// <summary>Gets the clip length in seconds. Default <see cref="ComparisonDatasetOptions.DefaultClipSeconds"/>.</summary>
    public double ClipSeconds { get; init; } = ComparisonDatasetOptions.DefaultClipSeconds;

    /// <summary>Gets the temperature both generators sample at. Default <see cref="DefaultTemperature"/>.</summary>
    public double Temperature { get; init; } = DefaultTemperature;

    /// <summary>Gets the noise correlation time in seconds. Default <see cref="GenerationOptions.DefaultCoherence"/>.</summary>
    public double Coherence { get; init; } = GenerationOptions.DefaultCoherence;

    /// <summary>Gets the seed of the clips and the samples. Default <see cref="DefaultSeed"/>.</summary>
    public long Seed { get; init; } = DefaultSeed;

    /// <summary>Gets the sampling options of a generator policy.</summary>
    public GenerationOptions Sampling => new() { Mode = GenerationMode.Stochastic, Temperature = Temperature, Coherence = Coherence };

    /// <summary>Checks the options; the message names the property.</summary>
    public void Validate()
    {
        if (Clips < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Clips), Clips, "At least one clip is needed.");
        }

        if (!(ClipSeconds >= ComparisonDatasetOptions.MinClipSeconds) || double.IsInfinity(ClipSeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(ClipSeconds), ClipSeconds, $"The clip length must be a finite number of seconds, at least {ComparisonDatasetOptions.MinClipSeconds}.");
        }

        Sampling.Validate(); // names Temperature or Coherence, as here
    }
}
