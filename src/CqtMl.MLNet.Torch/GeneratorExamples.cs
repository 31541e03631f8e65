using CqtMl.Audio.Cqt;
using CqtMl.Audio.Music;
using CqtMl.Torch.Training;

namespace CqtMl.MLNet;

/// <summary>
/// Builds generator training examples (CQT tensor, 4-register targets and the notes behind them) from labelled audio:
/// MusicNet-style recordings or rendered <see cref="SyntheticMusic"/>.
/// </summary>
public static class GeneratorExamples
{
    /// <summary>Builds an example from a CQT tensor and note labels.</summary>
    /// <param name="cqt">The CQT tensor <c>[2, bins, frames]</c> of the labelled audio.</param>
    /// <param name="frames">The number of CQT frames.</param>
    /// <param name="options">The CQT's options (sample rate and hop map label times to frames).</param>
    /// <param name="startTime">Note starts in samples at <paramref name="labelSampleRate"/>.</param>
    /// <param name="endTime">Note ends (exclusive) in samples at <paramref name="labelSampleRate"/>.</param>
    /// <param name="note">MIDI notes.</param>
    /// <param name="labelSampleRate">The rate the label times count in.</param>
    /// <returns>The example, with its notes (so that training can shift it in pitch).</returns>
    public static TrainingExample FromLabels(float[] cqt, int frames, CqtOptions options, IReadOnlyList<long> startTime, IReadOnlyList<long> endTime, IReadOnlyList<int> note, int labelSampleRate)
    {
        ArgumentNullException.ThrowIfNull(cqt);
        ArgumentNullException.ThrowIfNull(options);
        float[] targets = RegisterTargets.Compute(startTime, endTime, note, frames, options.SampleRate, options.HopLength, labelSampleRate);
        List<NoteSpan> notes = RegisterTargets.NoteFrames(startTime, endTime, note, frames, options.SampleRate, options.HopLength, labelSampleRate)
            .Select(n => new NoteSpan(n.StartFrame, n.EndFrame, n.MidiNote)).ToList();
        return new TrainingExample(cqt, targets, frames, notes);
    }

    /// <summary>
    /// Renders <paramref name="count"/> synthetic pieces (seeds 0, 1, ...: the same pieces on every call) and builds
    /// their examples. Added to a few real recordings they teach the generator what a note's partials look like.
    /// </summary>
    /// <param name="extractor">The CQT extractor of the real examples.</param>
    /// <param name="count">The number of pieces (0 or more).</param>
    /// <param name="seconds">The length of each piece in seconds. Default 15.</param>
    /// <returns>The examples.</returns>
    public static IReadOnlyList<TrainingExample> Synthetic(CqtExtractor extractor, int count, double seconds = 15)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        CqtOptions options = extractor.Options;
        var examples = new TrainingExample[count];
        for (int i = 0; i < count; i++)
        {
            SyntheticPiece piece = SyntheticMusic.Render(i, options.SampleRate, seconds);
            int frames = options.FrameCount(piece.Samples.Length);
            examples[i] = FromLabels(extractor.ComputeTensor(new[] { piece.Samples }), frames, options, piece.Notes.Select(n => n.Start).ToList(), piece.Notes.Select(n => n.End).ToList(), piece.Notes.Select(n => n.MidiNote).ToList(), options.SampleRate);
        }

        return examples;
    }
}
