namespace CqtMl.Preferences.Comparisons;

/// <summary>
/// The comparison dataset's Parquet columns, in file order: one row per pair of stochastic samples of one clip. The
/// writer, the reader, the judges, the reward trainer, the ML.NET loader and the CLI all use these names.
/// </summary>
public static class ComparisonColumns
{
    /// <summary>string: unique, a function of the generation seed and the row.</summary>
    public const string PairId = "pair_id";

    /// <summary>string: the audio file, relative to the data root, '/' separators.</summary>
    public const string Source = "source";

    /// <summary>double: the clip's start in seconds.</summary>
    public const string OffsetSeconds = "offset_seconds";

    /// <summary>double: the clip's length in seconds.</summary>
    public const string DurationSeconds = "duration_seconds";

    /// <summary>int32: T, the clip's CQT frames.</summary>
    public const string Frames = "frames";

    /// <summary>int32: the CQT's sample rate.</summary>
    public const string SampleRate = "sample_rate";

    /// <summary>int32: the CQT's hop length.</summary>
    public const string HopLength = "hop_length";

    /// <summary>int32: the CQT's bins.</summary>
    public const string Bins = "bins";

    /// <summary>int32: the CQT's bins per octave.</summary>
    public const string BinsPerOctave = "bins_per_octave";

    /// <summary>double: the CQT's lowest frequency in Hz.</summary>
    public const string FMin = "fmin";

    /// <summary>string: SHA-256 (lower-case hex) of the generator's ONNX file.</summary>
    public const string GeneratorSha256 = "generator_sha256";

    /// <summary>Prefix of sample A's columns.</summary>
    public const string A = "a_";

    /// <summary>Prefix of sample B's columns.</summary>
    public const string B = "b_";

    /// <summary>int64 (after a prefix): the sample's seed.</summary>
    public const string Seed = "seed";

    /// <summary>double (after a prefix): the sample's temperature.</summary>
    public const string Temperature = "temperature";

    /// <summary>double (after a prefix): the sample's inference-time dropout.</summary>
    public const string Dropout = "dropout";

    /// <summary>double (after a prefix): the sample's noise correlation time in seconds.</summary>
    public const string Coherence = "coherence";

    /// <summary>list of float (after a prefix): the sample's controls <c>[4, T]</c>, row-major.</summary>
    public const string Controls = "controls";

    /// <summary>string: null, or "a", "b" or "tie".</summary>
    public const string Label = "label";

    /// <summary>string: null, or the name of who labelled the pair.</summary>
    public const string Judge = "judge";

    /// <summary>timestamp (UTC, milliseconds): null until labelled.</summary>
    public const string LabelledAt = "labelled_at";

    /// <summary>float: the reward of sample A (scored files only).</summary>
    public const string RewardA = "reward_a";

    /// <summary>float: the reward of sample B (scored files only).</summary>
    public const string RewardB = "reward_b";

    /// <summary>Gets every column of a comparison dataset, in file order.</summary>
    public static IReadOnlyList<string> All { get; } = new[]
    {
        PairId, Source, OffsetSeconds, DurationSeconds, Frames, SampleRate, HopLength, Bins, BinsPerOctave, FMin, GeneratorSha256,
        A + Seed, A + Temperature, A + Dropout, A + Coherence, A + Controls,
        B + Seed, B + Temperature, B + Dropout, B + Coherence, B + Controls,
        Label, Judge, LabelledAt,
    };

    /// <summary>Gets the columns a scored dataset adds after <see cref="All"/>.</summary>
    public static IReadOnlyList<string> Scores { get; } = new[] { RewardA, RewardB };
}
