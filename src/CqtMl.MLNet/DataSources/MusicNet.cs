using System.Globalization;

namespace CqtMl.MLNet.DataSources;

/// <summary>
/// Reads the MusicNet layout: <c>{train,test}_data/&lt;id&gt;.wav</c>, <c>{train,test}_labels/&lt;id&gt;.csv</c>
/// (<c>start_time,end_time,instrument,note,start_beat,end_beat,note_value</c>) and <c>musicnet_metadata.csv</c>.
/// </summary>
public static class MusicNet
{
    /// <summary>The sample rate MusicNet's label times are counted in.</summary>
    public const int LabelSampleRate = 44100;

    /// <summary>Lists the recordings of <paramref name="split"/>; labels are read when a row is enumerated.</summary>
    /// <param name="root">The folder holding <c>train_data</c>, <c>test_data</c>, ... .</param>
    /// <param name="split">Which split.</param>
    /// <returns>The recordings, ordered by split (train first) and id.</returns>
    /// <exception cref="DirectoryNotFoundException">The root or the split's data folder is missing.</exception>
    /// <exception cref="InvalidDataException">The root holds no recordings in the MusicNet layout.</exception>
    public static IEnumerable<MusicNetRecording> Read(string root, MusicNetSplit split = MusicNetSplit.All)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"MusicNet root '{root}' does not exist.");
        }

        var splits = split switch
        {
            MusicNetSplit.Train => new[] { "train" },
            MusicNetSplit.Test => new[] { "test" },
            _ => new[] { "train", "test" },
        };
        Dictionary<string, string[]> metadata = ReadMetadata(root);
        var files = new List<(string Split, string Wav)>();
        foreach (string name in splits)
        {
            string data = Path.Combine(root, $"{name}_data");
            if (!Directory.Exists(data))
            {
                if (split != MusicNetSplit.All)
                {
                    throw new DirectoryNotFoundException($"MusicNet split folder '{data}' does not exist.");
                }

                continue;
            }

            files.AddRange(Directory.GetFiles(data, "*.wav").OrderBy(f => f, StringComparer.Ordinal).Select(f => (name, f)));
        }

        if (files.Count == 0)
        {
            throw new InvalidDataException($"{root}: no MusicNet recordings found (expected {string.Join(" or ", splits.Select(s => $"{s}_data/<id>.wav"))} below this folder)");
        }

        return Enumerate(root, files, metadata);
    }

    private static IEnumerable<MusicNetRecording> Enumerate(string root, List<(string Split, string Wav)> files, Dictionary<string, string[]> metadata)
    {
        foreach (var (split, wav) in files)
        {
            string id = Path.GetFileNameWithoutExtension(wav);
            var recording = new MusicNetRecording { Id = id, Path = Path.GetFullPath(wav), Split = split };
            if (metadata.TryGetValue(id, out string[]? meta))
            {
                recording.Composer = meta[0];
                recording.Composition = meta[1];
                recording.Ensemble = meta[2];
                recording.Seconds = float.TryParse(meta[3], NumberStyles.Float, CultureInfo.InvariantCulture, out float s) ? s : 0;
            }

            string labels = Path.Combine(root, $"{split}_labels", id + ".csv");
            if (File.Exists(labels))
            {
                ReadLabels(labels, recording);
            }

            yield return recording;
        }
    }

    private static void ReadLabels(string path, MusicNetRecording recording)
    {
        var rows = CsvReader.ReadRecords(path).ToList();
        if (rows.Count == 0 || !rows[0].SequenceEqual(new[] { "start_time", "end_time", "instrument", "note", "start_beat", "end_beat", "note_value" }))
        {
            throw new InvalidDataException($"{path}: expected the header start_time,end_time,instrument,note,start_beat,end_beat,note_value");
        }

        var notes = rows.Skip(1).Where(r => r.Length > 1 || r[0].Length > 0).ToList();
        recording.StartTime = new long[notes.Count];
        recording.EndTime = new long[notes.Count];
        recording.Instrument = new int[notes.Count];
        recording.Note = new int[notes.Count];
        recording.StartBeat = new float[notes.Count];
        recording.EndBeat = new float[notes.Count];
        recording.NoteValue = new string[notes.Count];
        for (int i = 0; i < notes.Count; i++)
        {
            string[] r = notes[i];
            if (r.Length != 7)
            {
                throw new InvalidDataException($"{path}: line {i + 2} has {r.Length} fields, 7 expected");
            }

            try
            {
                recording.StartTime[i] = long.Parse(r[0], CultureInfo.InvariantCulture);
                recording.EndTime[i] = long.Parse(r[1], CultureInfo.InvariantCulture);
                recording.Instrument[i] = int.Parse(r[2], CultureInfo.InvariantCulture);
                recording.Note[i] = int.Parse(r[3], CultureInfo.InvariantCulture);
                recording.StartBeat[i] = float.Parse(r[4], CultureInfo.InvariantCulture);
                recording.EndBeat[i] = float.Parse(r[5], CultureInfo.InvariantCulture);
                recording.NoteValue[i] = r[6];
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"{path}: line {i + 2} is not a valid label ({e.Message})", e);
            }

            if (recording.EndTime[i] < recording.StartTime[i])
            {
                throw new InvalidDataException($"{path}: line {i + 2} ends before it starts");
            }
        }
    }

    private static Dictionary<string, string[]> ReadMetadata(string root)
    {
        string path = Path.Combine(root, "musicnet_metadata.csv");
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return result;
        }

        var rows = CsvReader.ReadRecords(path).ToList();
        if (rows.Count == 0)
        {
            return result;
        }

        string[] header = rows[0];
        int Column(string name) => Array.IndexOf(header, name);
        int id = Column("id"), composer = Column("composer"), composition = Column("composition"), ensemble = Column("ensemble"), seconds = Column("seconds");
        if (id < 0)
        {
            throw new InvalidDataException($"{path}: no 'id' column");
        }

        foreach (string[] row in rows.Skip(1).Where(r => r.Length > id && r[id].Length > 0))
        {
            string Get(int i) => i >= 0 && i < row.Length ? row[i] : string.Empty;
            result[row[id]] = new[] { Get(composer), Get(composition), Get(ensemble), Get(seconds) };
        }

        return result;
    }
}
