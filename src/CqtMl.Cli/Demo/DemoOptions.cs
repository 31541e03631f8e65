using CqtMl.Preferences.Judges;

namespace CqtMl.Cli.Demo;

/// <summary>What <c>cqtml demo</c> runs: its data, its sizes and whether it trains its own models. Defaults named once here.</summary>
internal sealed record DemoOptions
{
    /// <summary>Built-in training pieces (used by <c>--train</c>; the shipped generator has not heard them).</summary>
    public const int DefaultTrainPieces = 8;

    /// <summary>Built-in test pieces (the clip the plots show, the register F1).</summary>
    public const int DefaultTestPieces = 2;

    /// <summary>Seconds per built-in piece.</summary>
    public const double DefaultPieceSeconds = 12;

    /// <summary>Clips the comparison pairs are drawn from.</summary>
    public const int DefaultClips = 24;

    /// <summary>Seconds per comparison clip.</summary>
    public const double DefaultClipSeconds = 3;

    /// <summary>Pairs per clip.</summary>
    public const int DefaultPairsPerClip = 2;

    /// <summary>N of best-of-N.</summary>
    public const int DefaultBestOf = 8;

    /// <summary>Clips on which best-of-N is compared with plain sampling.</summary>
    public const int DefaultEvaluationClips = 16;

    /// <summary>The built-in judge that labels the pairs (the shipped reward model learned its preferences).</summary>
    public const string DefaultJudge = RegisterEnergyJudge.JudgeName;

    /// <summary>The temperatures of the stochastic samples the plots compare.</summary>
    public static IReadOnlyList<double> Temperatures { get; } = new[] { 0.7, 1.0, 1.3 };

    /// <summary>Gets the report folder.</summary>
    public required string OutDir { get; init; }

    /// <summary>Gets a data root (MusicNet layout, FMA layout or any folder of audio); null for the built-in data.</summary>
    public string? DataRoot { get; init; }

    /// <summary>Gets a value indicating whether to train the generator and the reward model from scratch instead of using the shipped ones.</summary>
    public bool Train { get; init; }

    /// <summary>Gets the judge's name.</summary>
    public string Judge { get; init; } = DefaultJudge;

    /// <summary>Gets the seed of every random choice (clips, samples).</summary>
    public long Seed { get; init; } = 1;
}
