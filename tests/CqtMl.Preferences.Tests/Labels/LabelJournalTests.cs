using CqtMl.Preferences.Comparisons;
using CqtMl.Preferences.Labels;

namespace CqtMl.Preferences.Tests.Labels;

public class LabelJournalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-journal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void EventsReadBackInOrderAndReplayToTheLastLabelOfEachPair()
    {
        string path = Path.Combine(_dir, "pairs.parquet" + LabelJournal.Suffix);
        var at = new DateTime(2026, 11, 29, 12, 0, 0, DateTimeKind.Utc);
        var events = new[]
        {
            new LabelEvent("p1", PreferenceLabel.A, "ann", at),
            new LabelEvent("p2", PreferenceLabel.Tie, "ann", at.AddSeconds(1)),
            new LabelEvent("p1", PreferenceLabel.B, "bob", at.AddSeconds(2)),
            new LabelEvent("p2", null, "ann", at.AddSeconds(3), Undo: true),
        };
        using (var journal = new LabelJournal(path))
        {
            foreach (LabelEvent e in events)
            {
                journal.Append(e);
            }
        }

        Assert.Equal(events, LabelJournal.Read(path));
        var state = LabelJournal.Replay(LabelJournal.Read(path));
        Assert.Equal((PreferenceLabel.B, "bob", at.AddSeconds(2)), state["p1"]);
        Assert.Null(state["p2"].Label);
        Assert.Equal(LabelJournal.For(Path.Combine(_dir, "pairs.parquet")), path);
    }

    [Fact]
    public void ATornLastLineIsIgnoredAndAMalformedLineNamed()
    {
        string path = Path.Combine(_dir, "j.jsonl");
        File.WriteAllText(path, "{\"pair_id\":\"p1\",\"label\":\"a\",\"labeller\":\"x\",\"at\":\"2026-11-29T12:00:00Z\"}\n{\"pair_id\":\"p2\",\"lab");
        LabelEvent only = Assert.Single(LabelJournal.Read(path));
        Assert.Equal("p1", only.PairId);

        File.WriteAllText(path, "{\"pair_id\":\"p1\",\"label\":\"maybe\",\"at\":\"2026-11-29T12:00:00Z\"}\n");
        var error = Assert.Throws<InvalidDataException>(() => LabelJournal.Read(path));
        Assert.Contains("j.jsonl:1", error.Message, StringComparison.Ordinal);
        Assert.Empty(LabelJournal.Read(Path.Combine(_dir, "missing.jsonl")));
    }
}
