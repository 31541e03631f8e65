using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;

namespace CqtMl.Preferences.Comparisons;

/// <summary>
/// The CQT of a clip exactly as comparison datasets define it: the file decoded and resampled to the CQT's rate, the
/// clip cut with <see cref="AudioData.Clip"/>, the tensor <c>[2, bins, T]</c> computed from the clip alone. <c>cqtml
/// compare</c>, <c>generate --offset --duration</c>, <c>judge</c>, <c>score</c> and reward training all use it.
/// </summary>
public static class ClipCqt
{
    /// <summary>Computes a clip's CQT from audio already at the extractor's sample rate.</summary>
    /// <param name="audio">The whole file, at <see cref="CqtOptions.SampleRate"/>.</param>
    /// <param name="extractor">The CQT.</param>
    /// <param name="offsetSeconds">The clip's start, or null for the whole file.</param>
    /// <param name="durationSeconds">The clip's length, or null for the rest of the file.</param>
    /// <returns>The tensor <c>[2, bins, T]</c> and T.</returns>
    public static (float[] Cqt, int Frames) Compute(AudioData audio, CqtExtractor extractor, double? offsetSeconds = null, double? durationSeconds = null)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(extractor);
        if (audio.SampleRate != extractor.Options.SampleRate)
        {
            throw new ArgumentException($"The audio is at {audio.SampleRate} Hz; the CQT expects {extractor.Options.SampleRate} Hz.", nameof(audio));
        }

        AudioData clip = offsetSeconds is null && durationSeconds is null ? audio : audio.Clip(offsetSeconds ?? 0, durationSeconds ?? audio.Duration);
        return (extractor.ComputeTensor(clip.Channels), extractor.Options.FrameCount(clip.FrameCount));
    }

    /// <summary>Streams a file (decode, resample, CQT in blocks; decoding stops at the clip.s end) and computes a clip.s CQT.</summary>
    /// <param name="path">The audio file.</param>
    /// <param name="extractor">The CQT.</param>
    /// <param name="offsetSeconds">The clip's start, or null for the whole file.</param>
    /// <param name="durationSeconds">The clip's length, or null for the rest of the file.</param>
    /// <returns>The tensor <c>[2, bins, T]</c> and T.</returns>
    public static (float[] Cqt, int Frames) Compute(string path, CqtExtractor extractor, double? offsetSeconds = null, double? durationSeconds = null)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        int rate = extractor.Options.SampleRate;
        if (offsetSeconds is null && durationSeconds is null)
        {
            return AudioCqtStream.ComputeTensor(path, extractor);
        }

        // Streamed: decoding stops at the clip's end; the same samples as clipping the whole resampled file.
        return AudioCqtStream.ComputeTensor(path, extractor, total =>
        {
            (long start, int length) = AudioData.ClipWindow(total, rate, offsetSeconds ?? 0, durationSeconds ?? ((double)total / rate));
            return (start, length);
        });
    }
}
