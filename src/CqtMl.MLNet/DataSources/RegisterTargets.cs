using CqtMl.Audio.Music;

namespace CqtMl.MLNet;

/// <summary>
/// The generator's supervised target (DESIGN.md): per CQT frame, whether each of 4 pitch registers sounds — MIDI
/// note &lt; 48, 48–59, 60–71, &gt;= 72 — from MusicNet-style note labels. Frame m is centred on sample m * hop at the
/// CQT's rate; the project's decoders and resampler have zero delay, so label times map to frames directly.
/// </summary>
public static class RegisterTargets
{
    /// <summary>The number of registers (and of control signals).</summary>
    public const int RegisterCount = PitchRegister.Count;

    /// <summary>Gets the register of a MIDI note: 0 below 48, 1 for 48–59, 2 for 60–71, 3 from 72.</summary>
    /// <param name="midiNote">The MIDI note number.</param>
    /// <returns>The register index.</returns>
    public static int Register(int midiNote) => PitchRegister.Of(midiNote);

    /// <summary>
    /// Computes the activity <c>[4, frameCount]</c> (row-major; 1 where at least one note of the register sounds at the
    /// frame's centre, else 0).
    /// </summary>
    /// <param name="startTime">Note starts in samples at <paramref name="labelSampleRate"/>.</param>
    /// <param name="endTime">Note ends (exclusive) in samples at <paramref name="labelSampleRate"/>.</param>
    /// <param name="note">MIDI notes.</param>
    /// <param name="frameCount">The number of CQT frames.</param>
    /// <param name="sampleRate">The CQT's sample rate.</param>
    /// <param name="hopLength">The CQT's hop length.</param>
    /// <param name="labelSampleRate">The rate the label times count in (MusicNet: 44100).</param>
    /// <returns>The activity, register-major.</returns>
    public static float[] Compute(IReadOnlyList<long> startTime, IReadOnlyList<long> endTime, IReadOnlyList<int> note, int frameCount, int sampleRate, int hopLength, int labelSampleRate = DataSources.MusicNet.LabelSampleRate)
    {
        CheckLabels(startTime, endTime, note, frameCount, sampleRate, hopLength, labelSampleRate);
        var activity = new float[RegisterCount * frameCount];
        for (int i = 0; i < note.Count; i++)
        {
            (int first, int end) = FrameSpan(startTime[i], endTime[i], frameCount, sampleRate, hopLength, labelSampleRate);
            int row = Register(note[i]) * frameCount;
            for (int m = first; m < end; m++)
            {
                activity[row + m] = 1f;
            }
        }

        return activity;
    }

    /// <summary>Computes the activity for a MusicNet recording at the CQT's frame rate.</summary>
    /// <param name="recording">The recording with its labels.</param>
    /// <param name="frameCount">The number of CQT frames.</param>
    /// <param name="sampleRate">The CQT's sample rate.</param>
    /// <param name="hopLength">The CQT's hop length.</param>
    /// <returns>The activity <c>[4, frameCount]</c>.</returns>
    public static float[] Compute(MusicNetRecording recording, int frameCount, int sampleRate, int hopLength)
    {
        ArgumentNullException.ThrowIfNull(recording);
        return Compute(recording.StartTime, recording.EndTime, recording.Note, frameCount, sampleRate, hopLength);
    }

    /// <summary>
    /// Gets the frame span of every labelled note at the CQT's frame rate — the frames whose centre lies in the note,
    /// as used by <see cref="Compute(IReadOnlyList{long}, IReadOnlyList{long}, IReadOnlyList{int}, int, int, int, int)"/>.
    /// Notes outside the frames are left out.
    /// </summary>
    /// <param name="recording">The recording with its labels.</param>
    /// <param name="frameCount">The number of CQT frames.</param>
    /// <param name="sampleRate">The CQT's sample rate.</param>
    /// <param name="hopLength">The CQT's hop length.</param>
    /// <returns>(first frame, end frame exclusive, MIDI note) per note.</returns>
    public static IReadOnlyList<(int StartFrame, int EndFrame, int MidiNote)> NoteFrames(MusicNetRecording recording, int frameCount, int sampleRate, int hopLength)
    {
        ArgumentNullException.ThrowIfNull(recording);
        return NoteFrames(recording.StartTime, recording.EndTime, recording.Note, frameCount, sampleRate, hopLength);
    }

    /// <summary>Gets the frame span of every note given by its times, as <see cref="NoteFrames(MusicNetRecording, int, int, int)"/> does.</summary>
    /// <param name="startTime">Note starts in samples at <paramref name="labelSampleRate"/>.</param>
    /// <param name="endTime">Note ends (exclusive) in samples at <paramref name="labelSampleRate"/>.</param>
    /// <param name="note">MIDI notes.</param>
    /// <param name="frameCount">The number of CQT frames.</param>
    /// <param name="sampleRate">The CQT's sample rate.</param>
    /// <param name="hopLength">The CQT's hop length.</param>
    /// <param name="labelSampleRate">The rate the times count in (MusicNet: 44100).</param>
    /// <returns>(first frame, end frame exclusive, MIDI note) per note that covers at least one frame.</returns>
    public static IReadOnlyList<(int StartFrame, int EndFrame, int MidiNote)> NoteFrames(IReadOnlyList<long> startTime, IReadOnlyList<long> endTime, IReadOnlyList<int> note, int frameCount, int sampleRate, int hopLength, int labelSampleRate = DataSources.MusicNet.LabelSampleRate)
    {
        CheckLabels(startTime, endTime, note, frameCount, sampleRate, hopLength, labelSampleRate);
        var notes = new List<(int, int, int)>();
        for (int i = 0; i < note.Count; i++)
        {
            (int first, int end) = FrameSpan(startTime[i], endTime[i], frameCount, sampleRate, hopLength, labelSampleRate);
            if (end > first)
            {
                notes.Add((first, end, note[i]));
            }
        }

        return notes;
    }

    private static void CheckLabels(IReadOnlyList<long> startTime, IReadOnlyList<long> endTime, IReadOnlyList<int> note, int frameCount, int sampleRate, int hopLength, int labelSampleRate)
    {
        ArgumentNullException.ThrowIfNull(startTime);
        ArgumentNullException.ThrowIfNull(endTime);
        ArgumentNullException.ThrowIfNull(note);
        if (startTime.Count != endTime.Count || startTime.Count != note.Count)
        {
            throw new ArgumentException($"Label vectors differ in length: {startTime.Count} starts, {endTime.Count} ends, {note.Count} notes.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(frameCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hopLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(labelSampleRate);
    }

    /// <summary>The frames whose centre m * hop / sr lies in [start, end), clamped to [0, frameCount); exact in integers.</summary>
    private static (int First, int End) FrameSpan(long start, long end, int frameCount, int sampleRate, int hopLength, int labelSampleRate)
    {
        long denominator = (long)hopLength * labelSampleRate;
        long first = Math.Clamp(CeilDiv(start * sampleRate, denominator), 0, frameCount);
        long last = Math.Clamp(CeilDiv(end * sampleRate, denominator), 0, frameCount);
        return ((int)first, (int)last);
    }

    private static long CeilDiv(long a, long b) => a >= 0 ? (a + b - 1) / b : -(-a / b);
}
