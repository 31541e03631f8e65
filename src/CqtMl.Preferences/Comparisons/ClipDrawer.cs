using System.Diagnostics;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;
using CqtMl.Audio.IO;
using CqtMl.Onnx.Generation;

namespace CqtMl.Preferences.Comparisons;

/// <summary>
/// Draws clips from a data folder reproducibly: clip i's file, offset and everything drawn after them for it depend only
/// on the seed and i (files in sorted relative order; undecodable or too short files are skipped with a warning, once).
/// <c>cqtml compare</c> and <c>cqtml evaluate</c> draw their clips with it.
/// </summary>
public sealed class ClipDrawer
{
    private const int MaxDraws = 256;
    private const int CachedFiles = 8;
    private readonly string _root;
    private readonly double _clipSeconds;
    private readonly long _seed;
    private readonly CqtExtractor _extractor;
    private readonly IReadOnlyList<string> _files;
    private readonly RecentAudio _audio = new(CachedFiles);
    private readonly HashSet<string> _unusable = new(StringComparer.Ordinal);

    /// <summary>Lists the folder's audio files.</summary>
    /// <param name="dataRoot">A MusicNet-format root, an FMA-format root or any folder of audio files (searched recursively).</param>
    /// <param name="cqt">The CQT of the clips.</param>
    /// <param name="clipSeconds">The clip length (shorter files give shorter clips).</param>
    /// <param name="seed">The seed.</param>
    /// <exception cref="DirectoryNotFoundException">The data folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder holds no audio files.</exception>
    public ClipDrawer(string dataRoot, CqtOptions cqt, double clipSeconds, long seed)
    {
        ArgumentNullException.ThrowIfNull(cqt);
        if (!(clipSeconds >= ComparisonDatasetOptions.MinClipSeconds) || double.IsInfinity(clipSeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(clipSeconds), clipSeconds, $"The clip length must be at least {ComparisonDatasetOptions.MinClipSeconds} s and finite.");
        }

        _root = dataRoot;
        _clipSeconds = clipSeconds;
        _seed = seed;
        _extractor = new CqtExtractor(cqt);
        _files = AudioCatalog.List(dataRoot);
        if (_files.Count == 0)
        {
            throw new InvalidDataException($"{dataRoot}: no audio files ({string.Join(", ", AudioCatalog.Extensions)}) in this folder or below");
        }
    }

    /// <summary>Gets the number of audio files found.</summary>
    public int FileCount => _files.Count;

    /// <summary>Gets the CQT of the clips.</summary>
    public CqtOptions Cqt => _extractor.Options;

    /// <summary>Draws clip <paramref name="clip"/>.</summary>
    /// <param name="clip">The clip index (0-based).</param>
    /// <param name="random">The clip's random stream after the draw, for what else is drawn for the clip (sample seeds).</param>
    /// <returns>The clip.</returns>
    /// <exception cref="InvalidDataException">No usable file was found in many draws.</exception>
    public DrawnClip Draw(int clip, out SplitMix64 random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(clip);
        random = new SplitMix64(unchecked(_seed + ((clip + 1) * unchecked((long)0xD1B54A32D192ED03UL))));
        (string source, AudioData audio) = DrawFile(ref random, clip);
        double duration = Math.Floor(Math.Min(_clipSeconds, audio.Duration) * 1000) / 1000;
        double offset = Math.Floor(random.NextOpenUniform() * (audio.Duration - duration) * 1000) / 1000;
        (float[] cqt, int frames) = ClipCqt.Compute(audio, _extractor, offset, duration);
        return new DrawnClip(source, offset, duration, cqt, frames);
    }

    /// <summary>Draws files until one decodes and is long enough; the draws depend only on the seed and the clip.</summary>
    private (string Source, AudioData Audio) DrawFile(ref SplitMix64 random, int clip)
    {
        for (int draw = 0; draw < MaxDraws; draw++)
        {
            string source = _files[random.NextInt(_files.Count)];
            if (Load(source) is AudioData audio)
            {
                return (source, audio);
            }
        }

        throw new InvalidDataException($"{_root}: clip {clip}: {MaxDraws} draws found no decodable audio file of at least {ComparisonDatasetOptions.MinClipSeconds} s ({_unusable.Count} of {_files.Count} files unusable)");
    }

    /// <summary>The file decoded at the CQT's rate, or null (warned once) when it cannot be used.</summary>
    private AudioData? Load(string source)
    {
        if (_unusable.Contains(source))
        {
            return null;
        }

        try
        {
            AudioData audio = _audio.Decode(AudioCatalog.Resolve(_root, source), Cqt.SampleRate);
            if (audio.Duration >= ComparisonDatasetOptions.MinClipSeconds)
            {
                return audio;
            }

            Trace.TraceWarning($"{source}: skipped, {audio.Duration:0.###} s is shorter than {ComparisonDatasetOptions.MinClipSeconds} s");
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            Trace.TraceWarning($"{source}: skipped ({e.Message})");
        }

        _unusable.Add(source);
        return null;
    }
}
