namespace CqtMl.Audio.Music;

/// <summary>One note of a <see cref="SyntheticPiece"/>, in samples at the piece's rate.</summary>
/// <param name="Start">The first sample.</param>
/// <param name="End">The end sample (exclusive).</param>
/// <param name="MidiNote">The MIDI note number of the fundamental.</param>
public sealed record SyntheticNote(long Start, long End, int MidiNote);

/// <summary>A rendered synthetic piece: mono samples and the exact notes behind them.</summary>
/// <param name="Samples">Mono samples in [-1, 1].</param>
/// <param name="SampleRate">The sample rate in Hz.</param>
/// <param name="Notes">Every note sounding in <paramref name="Samples"/>.</param>
public sealed record SyntheticPiece(float[] Samples, int SampleRate, IReadOnlyList<SyntheticNote> Notes);

/// <summary>
/// Renders labelled synthetic music for training: one to three monophonic voices of harmonic tones, each voice with its
/// own register, timbre (partials falling off as h^-slope, often with a boosted second partial) and decay. The labels
/// are exact, and the random timbres show a model many ways a fundamental and its partials can look — what a few real
/// recordings cannot (a bright register-1 instrument puts energy into register 2 without sounding there).
/// </summary>
public static class SyntheticMusic
{
    private const int MaxPartials = 10;
    private const int LowestNote = 24;
    private const int HighestNote = 100;
    private const double AttackSeconds = 0.01;
    private const double ReleaseSeconds = 0.03;

    /// <summary>Renders the piece of <paramref name="seed"/> (the same seed gives the same samples and notes).</summary>
    /// <param name="seed">The piece's seed.</param>
    /// <param name="sampleRate">The sample rate in Hz (at least 8000).</param>
    /// <param name="seconds">The duration in seconds (at least 1). Default 15.</param>
    /// <returns>The samples and notes.</returns>
    public static SyntheticPiece Render(int seed, int sampleRate, double seconds = 15)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 8000);
        if (!(seconds >= 1) || double.IsInfinity(seconds))
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "The duration must be at least 1 second.");
        }

        var random = new Random(seed);
        var mix = new double[(int)(seconds * sampleRate)];
        var notes = new List<SyntheticNote>();
        int voices = random.Next(1, 4);
        for (int v = 0; v < voices; v++)
        {
            RenderVoice(random, mix, sampleRate, notes);
        }

        double peak = Math.Max(1.0, mix.Max(Math.Abs));
        float[] samples = mix.Select(x => (float)(x / peak)).ToArray();
        return new SyntheticPiece(samples, sampleRate, notes.OrderBy(n => n.Start).ThenBy(n => n.MidiNote).ToList());
    }

    /// <summary>Adds one voice: notes one after another (sometimes with a rest) around a random home note.</summary>
    private static void RenderVoice(Random random, double[] mix, int sampleRate, List<SyntheticNote> notes)
    {
        int home = random.Next(28, 90);
        double slope = 0.3 + (2.2 * random.NextDouble());
        double secondPartialGain = random.NextDouble() < 0.5 ? 1 + (3 * random.NextDouble()) : 1;
        double decayPerSecond = 0.5 + (4 * random.NextDouble());
        double amplitude = 0.05 + (0.2 * random.NextDouble());
        double seconds = (double)mix.Length / sampleRate;
        double time = random.NextDouble();
        while (time < seconds - 0.2)
        {
            int midi = Math.Clamp(home + random.Next(-5, 13), LowestNote, HighestNote);
            double duration = 0.1 + (1.2 * random.NextDouble());
            long start = (long)(time * sampleRate), end = Math.Min(mix.Length, (long)((time + duration) * sampleRate));
            AddTone(mix, start, end, sampleRate, 440 * Math.Pow(2, (midi - 69) / 12.0), slope, secondPartialGain, decayPerSecond, amplitude);
            notes.Add(new SyntheticNote(start, end, midi));
            time += duration + (random.NextDouble() < 0.3 ? random.NextDouble() : 0);
        }
    }

    private static void AddTone(double[] mix, long start, long end, int sampleRate, double f0, double slope, double secondPartialGain, double decayPerSecond, double amplitude)
    {
        int partials = Math.Min(MaxPartials, (int)Math.Ceiling(sampleRate / 2.0 / f0) - 1);
        var gains = new double[partials];
        for (int h = 1; h <= partials; h++)
        {
            gains[h - 1] = Math.Pow(h, -slope) * (h == 2 ? secondPartialGain : 1);
        }

        for (long i = start; i < end; i++)
        {
            double t = (double)(i - start) / sampleRate, remaining = (double)(end - i) / sampleRate;
            double envelope = Math.Min(1, t / AttackSeconds) * Math.Min(1, remaining / ReleaseSeconds) * Math.Exp(-decayPerSecond * t);
            double value = 0;
            for (int h = 1; h <= partials; h++)
            {
                value += gains[h - 1] * Math.Sin(2 * Math.PI * f0 * h * t);
            }

            mix[i] += amplitude * envelope * value;
        }
    }
}
