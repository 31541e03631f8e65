namespace CqtMl.Cli.Labelling;

/// <summary>A pair as the page shows it.</summary>
internal sealed record LabelPair(string PairId, string Source, double OffsetSeconds, double DurationSeconds, int Frames, int Index);
