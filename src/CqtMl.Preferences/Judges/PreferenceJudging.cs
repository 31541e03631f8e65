using CqtMl.Preferences.Comparisons;

namespace CqtMl.Preferences.Judges;

/// <summary>The built-in judges by name, and how a judge's scores become a label.</summary>
public static class PreferenceJudging
{
    /// <summary>Scores closer than this are a tie.</summary>
    public const double TieTolerance = 1e-9;

    /// <summary>Gets the built-in judges.</summary>
    public static IReadOnlyList<IPreferenceJudge> BuiltIn { get; } = new IPreferenceJudge[] { new OnsetJudge(), new RegisterEnergyJudge(), new SmoothnessJudge() };

    /// <summary>Gets a built-in judge by name.</summary>
    /// <param name="name">onset, register-energy or smoothness.</param>
    /// <returns>The judge.</returns>
    /// <exception cref="ArgumentException">No judge has that name; the message lists them.</exception>
    public static IPreferenceJudge Named(string name) =>
        BuiltIn.FirstOrDefault(j => j.Name == name) ?? throw new ArgumentException($"Unknown judge '{name}': expected one of {string.Join(", ", BuiltIn.Select(j => j.Name))}.", nameof(name));

    /// <summary>Labels a pair: the sample with the higher score, or a tie when the scores are within <see cref="TieTolerance"/>.</summary>
    /// <param name="judge">The judge.</param>
    /// <param name="clip">The clip.</param>
    /// <param name="a">Sample A's controls.</param>
    /// <param name="b">Sample B's controls.</param>
    /// <returns>The label.</returns>
    public static PreferenceLabel Label(IPreferenceJudge judge, JudgedClip clip, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ArgumentNullException.ThrowIfNull(judge);
        double difference = judge.Score(clip, a) - judge.Score(clip, b);
        return Math.Abs(difference) <= TieTolerance ? PreferenceLabel.Tie : difference > 0 ? PreferenceLabel.A : PreferenceLabel.B;
    }
}
