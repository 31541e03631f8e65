using CqtMl.Onnx.Generation;

namespace CqtMl.Preferences.Comparisons;

/// <summary>What <see cref="ComparisonDatasetGenerator"/> draws. Defaults are named once here; the CLI uses them.</summary>
public sealed record ComparisonDatasetOptions
{
    /// <summary>The default number of clips.</summary>
    public const int DefaultClips = 32;

    /// <summary>The default clip length in seconds.</summary>
    public const double DefaultClipSeconds = 4;

    /// <summary>The default pairs per clip.</summary>
    public const int DefaultPairsPerClip = 4;

    /// <summary>The shortest clip in seconds: files shorter than this are skipped (reported as a warning).</summary>
    public const double MinClipSeconds = 0.25;

    /// <summary>Gets the number of clips. Default <see cref="DefaultClips"/>.</summary>
    public int Clips { get; init; } = DefaultClips;

    /// <summary>Gets the clip length in seconds (shorter files give their whole length). Default <see cref="DefaultClipSeconds"/>.</summary>
    public double ClipSeconds { get; init; } = DefaultClipSeconds;

    /// <summary>Gets the pairs drawn from each clip. Default <see cref="DefaultPairsPerClip"/>.</summary>
    public int PairsPerClip { get; init; } = DefaultPairsPerClip;

    /// <summary>Gets the temperatures each sample's temperature is drawn from (uniformly). Default 0.7, 1.0, 1.3.</summary>
    public IReadOnlyList<double> Temperatures { get; init; } = new[] { 0.7, 1.0, 1.3 };

    /// <summary>Gets the inference-time dropout of every sample. Default 0.</summary>
    public double Dropout { get; init; }

    /// <summary>Gets the noise correlation time of every sample in seconds. Default <see cref="GenerationOptions.DefaultCoherence"/>.</summary>
    public double Coherence { get; init; } = GenerationOptions.DefaultCoherence;

    /// <summary>Gets the seed: it fixes the clips, the samples' seeds and temperatures and the pair ids. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Checks the options; the message names the property.</summary>
    public void Validate()
    {
        if (Clips < 1 || PairsPerClip < 1)
        {
            throw new ArgumentOutOfRangeException(Clips < 1 ? nameof(Clips) : nameof(PairsPerClip), "Clips and pairs per clip must be at least 1.");
        }

        if (!(ClipSeconds >= MinClipSeconds) || double.IsInfinity(ClipSeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(ClipSeconds), ClipSeconds, $"The clip length must be a finite number of seconds, at least {MinClipSeconds}.");
        }

        if (Temperatures is null || Temperatures.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Temperatures), "At least one temperature is needed.");
        }

        foreach (double temperature in Temperatures)
        {
            Sample(temperature).Validate();
        }

        Sample(1).Validate();
    }

    /// <summary>The generation options of one sample.</summary>
    /// <param name="temperature">The sample's temperature.</param>
    /// <param name="seed">The sample's seed.</param>
    /// <returns>Stochastic generation of one sample.</returns>
    public GenerationOptions Sample(double temperature, long seed = 0) => new()
    {
        Mode = GenerationMode.Stochastic,
        Temperature = temperature,
        Seed = seed,
        Dropout = Dropout,
        Coherence = Coherence,
    };
}
