namespace CqtMl.Cli.Labelling;

/// <summary>What the page shows: progress, whether undo is possible, the next pair.</summary>
internal sealed record LabelState(int Total, int Labelled, bool CanUndo, LabelPair? Next);
