namespace CqtMl.Preferences.Comparisons;

/// <summary>The text form of <see cref="PreferenceLabel"/> in datasets and CSV files: "a", "b", "tie".</summary>
public static class PreferenceLabels
{
    /// <summary>Sample A preferred.</summary>
    public const string A = "a";

    /// <summary>Sample B preferred.</summary>
    public const string B = "b";

    /// <summary>A tie.</summary>
    public const string Tie = "tie";

    /// <summary>Gets the label's text.</summary>
    /// <param name="label">The label.</param>
    /// <returns>"a", "b" or "tie".</returns>
    public static string ToText(PreferenceLabel label) => label switch
    {
        PreferenceLabel.A => A,
        PreferenceLabel.B => B,
        PreferenceLabel.Tie => Tie,
        _ => throw new ArgumentOutOfRangeException(nameof(label), label, "Unknown preference label."),
    };

    /// <summary>Parses "a", "b" or "tie" (exactly, lower case).</summary>
    /// <param name="text">The text.</param>
    /// <param name="label">The label.</param>
    /// <returns>Whether the text is a label.</returns>
    public static bool TryParse(string? text, out PreferenceLabel label)
    {
        (bool ok, label) = text switch
        {
            A => (true, PreferenceLabel.A),
            B => (true, PreferenceLabel.B),
            Tie => (true, PreferenceLabel.Tie),
            _ => (false, PreferenceLabel.Tie),
        };
        return ok;
    }
}
