using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;
using CqtMl.Audio.IO;
using CqtMl.Plots;
using CqtMl.Preferences.Comparisons;
using CqtMl.Preferences.Judges;
using CqtMl.Preferences.Labels;

namespace CqtMl.Cli.Labelling;

/// <summary>
/// One person labelling a comparison dataset: which pair comes next, labels written at once to the dataset's
/// <see cref="LabelJournal"/> and then merged into the Parquet file atomically, undo of the last label, skips, and the
/// clip's audio and plots. A session started on a dataset whose journal has entries merges them first, so a killed
/// session loses nothing. Thread-safe: one lock around the state.
/// </summary>
internal sealed class LabelSession : IDisposable
{
    private readonly object _gate = new();
    private readonly List<ComparisonRow> _rows;
    private readonly Dictionary<string, ComparisonRow> _byId;
    private readonly Dictionary<string, (PreferenceLabel? Label, string Labeller, DateTime At)> _changed = new(StringComparer.Ordinal);
    private readonly Stack<(string PairId, string? Previous)> _undo = new();
    private readonly HashSet<string> _skipped = new(StringComparer.Ordinal);
    private readonly LabelJournal _journal;
    private readonly ComparisonClips _clips;

    public LabelSession(string pairsPath, string dataRoot, string labeller)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(labeller);
        PairsPath = Path.GetFullPath(pairsPath);
        DataRoot = Path.GetFullPath(dataRoot);
        Labeller = labeller;
        if (!Directory.Exists(DataRoot))
        {
            throw new DirectoryNotFoundException($"{dataRoot}: data folder not found");
        }

        _rows = ComparisonFile.ReadAll(PairsPath);
        _byId = _rows.ToDictionary(r => r.PairId, StringComparer.Ordinal);
        _clips = new ComparisonClips(DataRoot, PairsPath);

        // Labels given in an earlier session that was stopped before they were merged: apply and merge them now.
        foreach ((string id, var entry) in LabelJournal.Replay(LabelJournal.Read(LabelJournal.For(PairsPath))))
        {
            if (_byId.TryGetValue(id, out ComparisonRow? row))
            {
                Set(row, entry.Label, entry.Labeller, entry.At);
            }
        }

        _journal = new LabelJournal(LabelJournal.For(PairsPath));
        if (_changed.Count > 0)
        {
            LabelMerge.Write(PairsPath, PairsPath, _changed);
        }
    }

    public string PairsPath { get; }

    public string DataRoot { get; }

    public string Labeller { get; }

    public string JournalPath => _journal.Path;

    /// <summary>Progress and the next pair to label (null when every pair has a label).</summary>
    public LabelState State()
    {
        lock (_gate)
        {
            int labelled = _rows.Count(r => r.Label is not null);
            ComparisonRow? next = _rows.FirstOrDefault(r => r.Label is null && !_skipped.Contains(r.PairId));
            if (next is null && labelled < _rows.Count)
            {
                _skipped.Clear(); // every remaining pair was skipped: offer them again
                next = _rows.First(r => r.Label is null);
            }

            return new LabelState(_rows.Count, labelled, _undo.Count > 0, next is null ? null : new LabelPair(next.PairId, next.Source, next.OffsetSeconds, next.DurationSeconds, next.Frames, _rows.IndexOf(next)));
        }
    }

    /// <summary>Labels a pair: journal first (flushed to disk), then the Parquet file.</summary>
    public void Label(string pairId, PreferenceLabel label)
    {
        lock (_gate)
        {
            ComparisonRow row = Row(pairId);
            DateTime at = DatasetJudging.Truncate(DateTime.UtcNow);
            _journal.Append(new LabelEvent(pairId, label, Labeller, at));
            _undo.Push((pairId, row.Label));
            Set(row, label, Labeller, at);
            _skipped.Remove(pairId);
            LabelMerge.Write(PairsPath, PairsPath, _changed);
        }
    }

    /// <summary>Undoes this session's last label; false when there is none.</summary>
    public bool Undo()
    {
        lock (_gate)
        {
            if (!_undo.TryPop(out var last))
            {
                return false;
            }

            ComparisonRow row = _byId[last.PairId];
            PreferenceLabel? previous = PreferenceLabels.TryParse(last.Previous, out PreferenceLabel p) ? p : null;
            DateTime at = DatasetJudging.Truncate(DateTime.UtcNow);
            _journal.Append(new LabelEvent(last.PairId, previous, Labeller, at, Undo: true));
            Set(row, previous, Labeller, at);
            LabelMerge.Write(PairsPath, PairsPath, _changed);
            return true;
        }
    }

    /// <summary>Moves a pair to the back of the queue for this session.</summary>
    public void Skip(string pairId)
    {
        lock (_gate)
        {
            _skipped.Add(Row(pairId).PairId);
        }
    }

    /// <summary>The pair's clip as a WAV file (at the CQT's sample rate, cut exactly as the dataset's CQT was).</summary>
    public byte[] Audio(string pairId)
    {
        ComparisonRow row = Row(pairId);
        CqtOptions cqt = ComparisonClips.OptionsOf(row);
        AudioData clip = AudioDecoder.Decode(AudioCatalog.Resolve(DataRoot, row.Source), cqt.SampleRate).Clip(row.OffsetSeconds, row.DurationSeconds);
        using var wav = new MemoryStream();
        WavWriter.WriteFloat32(wav, clip.SampleRate, clip.Channels);
        return wav.ToArray();
    }

    /// <summary>A PNG of the clip's CQT with sample A's or B's control curves over it.</summary>
    public byte[] Plot(string pairId, string sample)
    {
        ComparisonRow row = Row(pairId);
        float[] controls = sample switch
        {
            "a" => row.AControls,
            "b" => row.BControls,
            _ => throw new ArgumentException($"sample '{sample}': expected a or b."),
        };
        (float[] tensor, CqtOptions cqt) = _clips.Get(row);
        float[] magnitude = CqtExtractor.ChannelMean(tensor);
        string title = $"sample {sample.ToUpperInvariant()} (temperature {(sample == "a" ? row.ATemperature : row.BTemperature):0.##}) over the CQT";
        return InlinePng.Bytes(path => ControlsOverCqt.SavePng(path, magnitude, controls, cqt.BinCount, row.Frames, cqt.FrameRate, cqt.FMin, cqt.BinsPerOctave, title));
    }

    public void Dispose() => _journal.Dispose();

    private ComparisonRow Row(string pairId) =>
        _byId.TryGetValue(pairId, out ComparisonRow? row) ? row : throw new KeyNotFoundException($"pair '{pairId}' is not in {Path.GetFileName(PairsPath)}");

    private void Set(ComparisonRow row, PreferenceLabel? label, string labeller, DateTime at)
    {
        row.Label = label is PreferenceLabel l ? PreferenceLabels.ToText(l) : null;
        _changed[row.PairId] = (label, labeller, at);
    }
}
