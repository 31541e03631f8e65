using CqtMl.Audio.Music;

namespace CqtMl.Audio.Tests.Music;

/// <summary>SyntheticMusic: reproducible pieces whose labels match what sounds.</summary>
public class SyntheticMusicTests
{
    private const int Rate = 22050;

    [Fact]
    public void TheSameSeedGivesTheSamePieceAndOtherSeedsDiffer()
    {
        SyntheticPiece a = SyntheticMusic.Render(3, Rate, 4), b = SyntheticMusic.Render(3, Rate, 4), c = SyntheticMusic.Render(4, Rate, 4);

        Assert.Equal(a.Samples, b.Samples);
        Assert.Equal(a.Notes, b.Notes);
        Assert.NotEqual(a.Samples, c.Samples);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void NotesLieInsideThePieceAndSamplesInRange(int seed)
    {
        SyntheticPiece piece = SyntheticMusic.Render(seed, Rate, 5);

        Assert.Equal(5 * Rate, piece.Samples.Length);
        Assert.NotEmpty(piece.Notes);
        Assert.All(piece.Notes, n => Assert.True(n.Start >= 0 && n.End > n.Start && n.End <= piece.Samples.Length && n.MidiNote is >= 24 and <= 100, n.ToString()));
        Assert.All(piece.Samples, s => Assert.InRange(s, -1f, 1f));
        Assert.True(piece.Samples.Max(Math.Abs) > 0.01f);
    }

    /// <summary>
    /// A labelled note sounds at its pitch: over a note that no other note overlaps, the power at the labelled
    /// fundamental is far above the power a fourth and an octave below it, where no partial of the note lies (so a label
    /// a semitone-scale or an octave away from the sounding pitch fails). Only notes long enough to resolve those
    /// frequencies (Hann main lobe narrower than half the fundamental) are checked.
    /// </summary>
    [Fact]
    public void IsolatedNotesSoundAtTheirLabelledPitch()
    {
        var checkedNotes = 0;
        for (int seed = 0; seed < 6; seed++)
        {
            SyntheticPiece piece = SyntheticMusic.Render(seed, Rate, 6);
            foreach (SyntheticNote note in piece.Notes)
            {
                bool alone = piece.Notes.All(o => ReferenceEquals(o, note) || o.End <= note.Start || o.Start >= note.End);
                long first = note.Start + (Rate / 50), end = note.End - (Rate / 25);
                double f0 = 440 * Math.Pow(2, (note.MidiNote - 69) / 12.0);
                if (!alone || end - first < 8 * Rate / f0)
                {
                    continue;
                }

                double atPitch = Power(piece.Samples, first, end, f0), fourthBelow = Power(piece.Samples, first, end, f0 * Math.Pow(2, -5 / 12.0)), octaveBelow = Power(piece.Samples, first, end, f0 / 2);
                Assert.True(atPitch > 100 * Math.Max(fourthBelow, octaveBelow), $"seed {seed}, {note}: power {atPitch:G3} at the label's pitch, {fourthBelow:G3} a fourth and {octaveBelow:G3} an octave below");
                checkedNotes++;
            }
        }

        Assert.True(checkedNotes >= 5, $"only {checkedNotes} isolated notes checked");
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticMusic.Render(0, 4000));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticMusic.Render(0, Rate, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticMusic.Render(0, Rate, double.NaN));
    }

    /// <summary>Power of the Hann-windowed segment at one frequency (a single DFT bin at any frequency).</summary>
    private static double Power(float[] x, long first, long end, double frequency)
    {
        double re = 0, im = 0;
        long n = end - first;
        for (long i = 0; i < n; i++)
        {
            double w = 0.5 - (0.5 * Math.Cos(2 * Math.PI * i / (n - 1)));
            double phase = 2 * Math.PI * frequency * (first + i) / Rate;
            re += w * x[first + i] * Math.Cos(phase);
            im -= w * x[first + i] * Math.Sin(phase);
        }

        return ((re * re) + (im * im)) / n;
    }
}
