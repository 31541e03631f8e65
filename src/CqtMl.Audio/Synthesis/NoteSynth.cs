namespace CqtMl.Audio.Synthesis;

/// <summary>A note to synthesize: MIDI pitch, onset and duration in seconds, and a peak amplitude.</summary>
/// <param name="Midi">MIDI note number (69 = A4 = 440 Hz).</param>
/// <param name="Start">Onset in seconds.</param>
/// <param name="Duration">Duration in seconds.</param>
/// <param name="Amplitude">Peak amplitude (linear).</param>
public readonly record struct Note(int Midi, double Start, double Duration, double Amplitude = 0.2);

/// <summary>
/// Synthesizes plucked-string-like notes (a few decaying harmonics with a short attack and release), deterministic,
/// for built-in demo data and tests that need music with known pitches and onsets.
/// </summary>
public static class NoteSynth
{
    /// <summary>A short built-in tune: a C major arpeggio and chords across four octaves, about 6 seconds.</summary>
    public static IReadOnlyList<Note> DemoTune { get; } = BuildDemoTune();

    /// <summary>Gets the frequency of a MIDI note in Hz.</summary>
    /// <param name="midi">The MIDI note number.</param>
    /// <returns>440 * 2^((midi - 69) / 12).</returns>
    public static double Frequency(int midi) => 440.0 * Math.Pow(2, (midi - 69) / 12.0);

    /// <summary>Renders notes into a mono signal.</summary>
    /// <param name="notes">The notes.</param>
    /// <param name="sampleRate">Samples per second.</param>
    /// <param name="seconds">Total length in seconds.</param>
    /// <returns>The samples.</returns>
    public static float[] Render(IEnumerable<Note> notes, int sampleRate, double seconds)
    {
        ArgumentNullException.ThrowIfNull(notes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        var y = new double[(int)Math.Round(seconds * sampleRate)];
        foreach (Note note in notes)
        {
            double f0 = Frequency(note.Midi);
            int start = (int)Math.Round(note.Start * sampleRate);
            int end = Math.Min(y.Length, (int)Math.Round((note.Start + note.Duration) * sampleRate));
            for (int i = Math.Max(0, start); i < end; i++)
            {
                double t = (double)(i - start) / sampleRate;
                double remaining = (double)(end - i) / sampleRate;
                double envelope = Math.Min(1, t / 0.005) * Math.Min(1, remaining / 0.02) * Math.Exp(-2.5 * t);
                double value = 0;
                for (int h = 1; h <= 6 && f0 * h < sampleRate / 2.0; h++)
                {
                    value += Math.Sin(2 * Math.PI * f0 * h * t) / (h * h);
                }

                y[i] += note.Amplitude * envelope * value;
            }
        }

        return y.Select(v => (float)v).ToArray();
    }

    private static List<Note> BuildDemoTune()
    {
        var notes = new List<Note>();
        int[] arpeggio = { 48, 52, 55, 60, 64, 67, 72, 76, 79, 84 };
        for (int i = 0; i < arpeggio.Length; i++)
        {
            notes.Add(new Note(arpeggio[i], 0.25 * i, 0.5));
        }

        double t = 2.75;
        foreach (int[] chord in new[] { new[] { 36, 48, 52, 55 }, new[] { 41, 53, 57, 60 }, new[] { 43, 55, 59, 62 }, new[] { 36, 48, 52, 55, 60 } })
        {
            foreach (int midi in chord)
            {
                notes.Add(new Note(midi, t, 0.75, 0.15));
            }

            t += 0.8;
        }

        return notes;
    }
}
