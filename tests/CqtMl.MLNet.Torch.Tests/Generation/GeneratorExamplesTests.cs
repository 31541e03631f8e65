using CqtMl.Audio.Cqt;
using CqtMl.Audio.Music;
using CqtMl.Torch.Training;

namespace CqtMl.MLNet.Torch.Tests.Generation;

/// <summary>GeneratorExamples: labelled audio to CQT + register targets + notes.</summary>
public class GeneratorExamplesTests
{
    [Fact]
    public void LabelTimesMapToTheFramesWhoseCentreTheyCover()
    {
        // Hop 64 at 22050 Hz, labels at 44100 Hz: a note from 1280 to 2560 label samples covers the frames centred on
        // samples 640..1279 at 22050 Hz, i.e. frames 10..19; MIDI 50 is register 1.
        var options = new CqtOptions();
        TrainingExample example = GeneratorExamples.FromLabels(new float[2 * 84 * 30], 30, options, new long[] { 1280 }, new long[] { 2560 }, new[] { 50 }, 44100);

        float[] expected = new float[4 * 30];
        Array.Fill(expected, 1f, 30 + 10, 10);
        Assert.Equal(expected, example.Targets);
        Assert.Equal(new[] { new NoteSpan(10, 20, 50) }, example.Notes);
    }

    [Fact]
    public void SyntheticExamplesCarryTheirPiecesNotesAndAreTheSameOnEveryCall()
    {
        var options = new CqtOptions();
        var extractor = new CqtExtractor(options);
        IReadOnlyList<TrainingExample> examples = GeneratorExamples.Synthetic(extractor, 2, seconds: 3);
        IReadOnlyList<TrainingExample> again = GeneratorExamples.Synthetic(extractor, 2, seconds: 3);

        Assert.Equal(2, examples.Count);
        for (int i = 0; i < 2; i++)
        {
            SyntheticPiece piece = SyntheticMusic.Render(i, options.SampleRate, 3);
            TrainingExample example = examples[i];
            Assert.Equal(options.FrameCount(3 * options.SampleRate), example.Frames);
            Assert.Equal(2 * 84 * example.Frames, example.Cqt.Length);
            Assert.Equal(again[i].Cqt, example.Cqt);
            Assert.Equal(piece.Notes.Count, example.Notes!.Count);
            foreach (NoteSpan note in example.Notes)
            {
                int row = PitchRegister.Of(note.MidiNote) * example.Frames;
                Assert.All(Enumerable.Range(note.StartFrame, note.EndFrame - note.StartFrame), m => Assert.Equal(1f, example.Targets[row + m]));
            }

            // Every active target frame belongs to a note of its register.
            for (int r = 0; r < 4; r++)
            {
                for (int m = 0; m < example.Frames; m++)
                {
                    bool labelled = example.Notes.Any(n => PitchRegister.Of(n.MidiNote) == r && m >= n.StartFrame && m < n.EndFrame);
                    Assert.Equal(labelled ? 1f : 0f, example.Targets[(r * example.Frames) + m]);
                }
            }
        }
    }

    [Fact]
    public void ANegativeCountIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GeneratorExamples.Synthetic(new CqtExtractor(new CqtOptions()), -1));
    }
}
