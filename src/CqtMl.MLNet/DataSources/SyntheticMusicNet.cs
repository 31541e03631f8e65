using System.Globalization;
using System.Text;
using CqtMl.Audio.IO;
using CqtMl.Audio.Music;

namespace CqtMl.MLNet.DataSources;

/// <summary>
/// Writes built-in labelled music in the MusicNet layout (<see cref="MusicNet"/>): <see cref="SyntheticMusic"/> pieces
/// (one to three voices of harmonic tones, exact notes) as 44.1 kHz mono WAV files with their note labels, so that
/// every command and data source that reads MusicNet (training, comparisons, evaluation) runs without downloaded data.
/// </summary>
public static class SyntheticMusicNet
{
    /// <summary>
    /// The seed of the first piece. The generator's own synthetic training pieces use seeds 0, 1, 2, ..., so built-in
    /// data from here is music the shipped generator has not heard.
    /// </summary>
    public const int FirstSeed = 1_000;

    /// <summary>Writes <paramref name="trainPieces"/> + <paramref name="testPieces"/> pieces below <paramref name="root"/>.</summary>
    /// <param name="root">The folder (created); existing files of the same names are replaced.</param>
    /// <param name="trainPieces">Pieces in <c>train_data</c> (ids 1001, 1002, ...).</param>
    /// <param name="testPieces">Pieces in <c>test_data</c> (the ids after the training pieces').</param>
    /// <param name="seconds">Each piece's length in seconds (at least 1).</param>
    /// <returns>The paths of the WAV files written, training pieces first.</returns>
    public static IReadOnlyList<string> Write(string root, int trainPieces, int testPieces, double seconds)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentOutOfRangeException.ThrowIfNegative(trainPieces);
        ArgumentOutOfRangeException.ThrowIfNegative(testPieces);
        ArgumentOutOfRangeException.ThrowIfLessThan(seconds, 1.0);
        var written = new List<string>();
        var metadata = new StringBuilder("id,composer,composition,movement,ensemble,source,transcriber,catalog_name,seconds\n");
        for (int i = 0; i < trainPieces + testPieces; i++)
        {
            string split = i < trainPieces ? "train" : "test";
            int seed = FirstSeed + i + 1;
            SyntheticPiece piece = SyntheticMusic.Render(seed, MusicNet.LabelSampleRate, seconds);
            string id = seed.ToString(CultureInfo.InvariantCulture);
            string data = Directory.CreateDirectory(Path.Combine(root, $"{split}_data")).FullName;
            string labels = Directory.CreateDirectory(Path.Combine(root, $"{split}_labels")).FullName;
            string wav = Path.Combine(data, id + ".wav");
            AtomicFile.Write(wav, temp => WavWriter.WriteFloat32(temp, piece.SampleRate, piece.Samples));
            AtomicFile.WriteAllText(Path.Combine(labels, id + ".csv"), LabelsCsv(piece));
            metadata.Append(CultureInfo.InvariantCulture, $"{id},CqtMl,synthetic piece {seed},,harmonic tones,SyntheticMusic,exact,,{seconds}\n");
            written.Add(wav);
        }

        AtomicFile.WriteAllText(Path.Combine(root, "musicnet_metadata.csv"), metadata.ToString());
        return written;
    }

    /// <summary>The piece's notes as MusicNet label rows (times in samples at 44.1 kHz; instrument 0; no beats).</summary>
    private static string LabelsCsv(SyntheticPiece piece)
    {
        var csv = new StringBuilder("start_time,end_time,instrument,note,start_beat,end_beat,note_value\n");
        foreach (SyntheticNote note in piece.Notes.OrderBy(n => n.Start).ThenBy(n => n.MidiNote))
        {
            csv.Append(CultureInfo.InvariantCulture, $"{note.Start},{note.End},0,{note.MidiNote},0,0,\n");
        }

        return csv.ToString();
    }
}
