namespace CqtMl.Preferences.Comparisons;

/// <summary>Which sample of a pair is preferred.</summary>
public enum PreferenceLabel
{
    /// <summary>Sample A is preferred ("a").</summary>
    A = 0,

    /// <summary>Sample B is preferred ("b").</summary>
    B = 1,

    /// <summary>Neither is preferred ("tie").</summary>
    Tie = 2,
}
