using CqtMl.Audio.Decoding;

namespace CqtMl.Preferences.Comparisons;

/// <summary>
/// Decoded, resampled audio files, the last few kept: the clips of a comparison dataset come from a few files, so
/// making, judging, scoring and training on them decode each file about once.
/// </summary>
/// <param name="capacity">How many decoded files to keep.</param>
internal sealed class RecentAudio(int capacity)
{
    private readonly List<(string Path, int SampleRate, AudioData Audio)> _files = new();

    /// <summary>Gets a file decoded at <paramref name="sampleRate"/> (<see cref="AudioDecoder.Decode(string, int)"/>).</summary>
    /// <param name="path">The audio file.</param>
    /// <param name="sampleRate">The rate to resample to.</param>
    /// <returns>The audio.</returns>
    public AudioData Decode(string path, int sampleRate)
    {
        foreach ((string p, int rate, AudioData audio) in _files)
        {
            if (p == path && rate == sampleRate)
            {
                return audio;
            }
        }

        AudioData decoded = AudioDecoder.Decode(path, sampleRate);
        if (_files.Count == capacity)
        {
            _files.RemoveAt(0);
        }

        _files.Add((path, sampleRate, decoded));
        return decoded;
    }
}
