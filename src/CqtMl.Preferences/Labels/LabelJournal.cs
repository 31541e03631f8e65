using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CqtMl.Preferences.Comparisons;

namespace CqtMl.Preferences.Labels;

/// <summary>
/// An append-only journal of labels given by hand (JSON lines beside the dataset): every label and every undo is one
/// line, written and flushed to disk before it is acknowledged, so a killed labelling session loses nothing already
/// given. Replaying the journal in order gives each pair's current label; a torn last line (a crash mid-write) is ignored.
/// </summary>
public sealed class LabelJournal : IDisposable
{
    /// <summary>The suffix of a dataset's journal: <c>pairs.parquet</c> -> <c>pairs.parquet.labels.jsonl</c>.</summary>
    public const string Suffix = ".labels.jsonl";

    private readonly FileStream _stream;

    /// <summary>Opens (or creates) a journal for appending.</summary>
    /// <param name="path">The journal file.</param>
    public LabelJournal(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        _stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    /// <summary>Gets the journal file.</summary>
    public string Path { get; }

    /// <summary>The journal of a dataset.</summary>
    /// <param name="pairsPath">The dataset.</param>
    /// <returns>Its journal's path.</returns>
    public static string For(string pairsPath) => System.IO.Path.GetFullPath(pairsPath) + Suffix;

    /// <summary>Appends an event and flushes it to disk.</summary>
    /// <param name="entry">The event.</param>
    public void Append(LabelEvent entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var line = new Line(entry.PairId, entry.Label is PreferenceLabel l ? PreferenceLabels.ToText(l) : null, entry.Labeller, entry.At, entry.Undo ? true : null);
        byte[] bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(line, LineOptions) + "\n");
        _stream.Write(bytes);
        _stream.Flush(flushToDisk: true);
    }

    /// <summary>Reads every complete event of a journal, in order (none when the file does not exist).</summary>
    /// <param name="path">The journal file.</param>
    /// <returns>The events.</returns>
    /// <exception cref="InvalidDataException">A complete line that is not a label event; the message names the line.</exception>
    public static List<LabelEvent> Read(string path)
    {
        var events = new List<LabelEvent>();
        if (!File.Exists(path))
        {
            return events;
        }

        string text = File.ReadAllText(path);
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length - 1; i++) // the part after the last newline is a torn write, or empty
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            Line? line;
            try
            {
                line = JsonSerializer.Deserialize<Line>(lines[i], LineOptions);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{i + 1}: not a label event ({e.Message})", e);
            }

            PreferenceLabel parsed = default;
            if (line?.PairId is null || (line.Label is not null && !PreferenceLabels.TryParse(line.Label, out parsed)))
            {
                throw new InvalidDataException($"{path}:{i + 1}: not a label event: {lines[i]}");
            }

            PreferenceLabel? label = line.Label is null ? null : parsed;

            events.Add(new LabelEvent(line.PairId, label, line.Labeller ?? string.Empty, line.At, line.Undo == true));
        }

        return events;
    }

    /// <summary>Each pair's label after the events, in order (last event wins).</summary>
    /// <param name="events">The events.</param>
    /// <returns>Per pair id: label (null: cleared), labeller and time.</returns>
    public static Dictionary<string, (PreferenceLabel? Label, string Labeller, DateTime At)> Replay(IEnumerable<LabelEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var state = new Dictionary<string, (PreferenceLabel?, string, DateTime)>(StringComparer.Ordinal);
        foreach (LabelEvent e in events)
        {
            state[e.PairId] = (e.Label, e.Labeller, e.At);
        }

        return state;
    }

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();

    private static readonly JsonSerializerOptions LineOptions = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private sealed record Line(
        [property: JsonPropertyName("pair_id")] string PairId,
        [property: JsonPropertyName("label")] string? Label,
        [property: JsonPropertyName("labeller")] string? Labeller,
        [property: JsonPropertyName("at")] DateTime At,
        [property: JsonPropertyName("undo")] bool? Undo);
}
