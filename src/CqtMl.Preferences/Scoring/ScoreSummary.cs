namespace CqtMl.Preferences.Scoring;

/// <summary>What scoring a comparison dataset found.</summary>
/// <param name="Pairs">Rows scored.</param>
/// <param name="Labelled">Rows labelled "a" or "b" (ties and unlabelled rows do not count).</param>
/// <param name="Accuracy">The share of those whose preferred sample got the higher reward, or null without any.</param>
public sealed record ScoreSummary(long Pairs, long Labelled, double? Accuracy);
