using CqtMl.Preferences.Comparisons;

namespace CqtMl.Preferences.Labels;

/// <summary>One line of a <see cref="LabelJournal"/>: a pair's label set (null: cleared), by whom and when; <c>Undo</c> marks the undoing of the previous label.</summary>
/// <param name="PairId">The pair.</param>
/// <param name="Label">The label the pair has after this event; null for none.</param>
/// <param name="Labeller">Who gave it (recorded in the dataset's <c>judge</c> column).</param>
/// <param name="At">When (UTC).</param>
/// <param name="Undo">Whether the event undoes the pair's previous label (its label is then the one before that).</param>
public sealed record LabelEvent(string PairId, PreferenceLabel? Label, string Labeller, DateTime At, bool Undo = false);
