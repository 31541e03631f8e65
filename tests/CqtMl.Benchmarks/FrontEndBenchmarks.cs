using BenchmarkDotNet.Attributes;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;
using CqtMl.Audio.Resampling;

namespace CqtMl.Benchmarks;

/// <summary>
/// The audio front end stage by stage on real files, one core (the CQT single-threaded, the decoders are): decode
/// (ffmpeg's libraries in process, and the managed fallback), mono mix + resampling to 22,050 Hz, the mono CQT, and
/// file -> CQT through the streaming pipeline. Files: <c>CQTML_FRONTEND_FILES</c> (separated by the path separator),
/// else the FMA MP3 and the two Ogg files of ../shared/fixtures. Real-time factor = the file's duration / the mean.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
public class FrontEndBenchmarks
{
    private const int TargetRate = 22050;
    private AudioData _audio = new(TargetRate, new[] { Array.Empty<float>() });
    private float[] _mono = Array.Empty<float>();
    private float[] _resampled = Array.Empty<float>();
    private Resampler? _resampler;
    private CqtExtractor _extractor = new(new CqtOptions { MaxDegreeOfParallelism = 1 });
    private CqtExtractor _stereo = new(new CqtOptions { MaxDegreeOfParallelism = 1 });

    /// <summary>Gets the files measured.</summary>
    public static IEnumerable<string> Files() =>
        Environment.GetEnvironmentVariable("CQTML_FRONTEND_FILES") is string list && list.Length > 0
            ? list.Split(Path.PathSeparator)
            : new[] { "fma/fma_small/000/000141.mp3", "ogg/singularity_nebula_30s.ogg", "ogg/frozen-bubble_introzik.ogg" }.Select(FixturePath);

    /// <summary>Gets or sets the file of this case.</summary>
    [ParamsSource(nameof(Files))]
    public string File { get; set; } = string.Empty;

    /// <summary>Decodes the file once and prepares each stage's input.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _audio = AudioDecoder.Decode(File);
        _mono = _audio.MixToMono();
        _resampler = _audio.SampleRate == TargetRate ? null : new Resampler(_audio.SampleRate, TargetRate);
        _resampled = Resampler.Resample(_mono, _audio.SampleRate, TargetRate);
        _extractor = new CqtExtractor(new CqtOptions { SampleRate = TargetRate, Channels = CqtChannels.Complex, MaxDegreeOfParallelism = 1 });
        _stereo = new CqtExtractor(new CqtOptions { SampleRate = TargetRate, Channels = CqtChannels.Stereo, MaxDegreeOfParallelism = 1 });
        Console.WriteLine($"// {Path.GetFileName(File)}: {_audio.Duration:F1} s; {AudioDecoder.DecoderDescription}");
    }

    /// <summary>Decodes with the default decoder (ffmpeg's libraries when present).</summary>
    /// <returns>The audio.</returns>
    [Benchmark]
    public AudioData Decode() => AudioDecoder.Decode(File);

    /// <summary>Decodes with the managed decoders (NLayer, NVorbis).</summary>
    /// <returns>The samples read.</returns>
    [Benchmark]
    public long DecodeManaged()
    {
        using AudioReader reader = AudioDecoder.OpenManaged(File);
        var buffers = Enumerable.Range(0, reader.ChannelCount).Select(_ => new float[1 << 15]).ToArray();
        long total = 0;
        int read;
        try
        {
            while ((read = reader.Read(buffers, 0, 1 << 15)) > 0)
            {
                total += read;
            }
        }
        catch (AudioFormatException e) when (e.IsDecoderLimitation)
        {
            // NVorbis decodes frozen-bubble to its end, then refuses it (its granule positions disagree with the packets).
        }

        return total;
    }

    /// <summary>Mixes the channels to mono and resamples to 22,050 Hz.</summary>
    /// <returns>The resampled signal.</returns>
    [Benchmark]
    public float[] MixAndResample() => _resampler is null ? _audio.MixToMono() : Resampler.Resample(_audio.MixToMono(), _audio.SampleRate, TargetRate);

    /// <summary>Resamples the mono signal to 22,050 Hz.</summary>
    /// <returns>The resampled signal.</returns>
    [Benchmark]
    public float[] Resample() => Resampler.Resample(_mono, _audio.SampleRate, TargetRate);

    /// <summary>The CQT of the mono signal at 22,050 Hz, one thread.</summary>
    /// <returns>The tensor.</returns>
    [Benchmark]
    public float[] Cqt() => _extractor.ComputeTensor(new[] { _resampled });

    /// <summary>File -> mono CQT through the streaming pipeline (decode, mono mix, resample, CQT in blocks), one thread.</summary>
    /// <returns>The frames.</returns>
    [Benchmark]
    public int FileToCqt() => Stream(_extractor);

    /// <summary>File -> stereo CQT (the models' input: both channels resampled and transformed), one thread.</summary>
    /// <returns>The frames.</returns>
    [Benchmark]
    public int FileToStereoCqt() => Stream(_stereo);

    private int Stream(CqtExtractor extractor)
    {
        using var stream = new AudioCqtStream(AudioDecoder.Open(File), extractor);
        int frames = 0;
        foreach (CqtTensorBlock block in stream.ReadBlocks())
        {
            frames += block.FrameCount;
        }

        return frames;
    }

    private static string FixturePath(string relative)
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            string candidate = Path.Combine(dir, "shared", "fixtures", relative);
            if (System.IO.File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"../shared/fixtures/{relative} not found above {AppContext.BaseDirectory}; set CQTML_FRONTEND_FILES");
    }
}
