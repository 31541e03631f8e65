namespace CqtMl.Preferences.Comparisons;

/// <summary>Progress of comparison generation after a clip.</summary>
/// <param name="ClipsDone">Clips finished (including those an interrupted run had finished).</param>
/// <param name="Clips">All clips.</param>
/// <param name="Pairs">Pairs generated so far.</param>
public sealed record ComparisonProgress(int ClipsDone, int Clips, long Pairs);
