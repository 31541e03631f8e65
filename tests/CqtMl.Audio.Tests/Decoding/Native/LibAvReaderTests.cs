using CqtMl.Audio.Decoding;
using CqtMl.Audio.Decoding.Native;
using CqtMl.Audio.Tests.Support;

namespace CqtMl.Audio.Tests.Decoding.Native;

/// <summary>
/// Conformance of both MP3 and Ogg Vorbis decoders (ffmpeg's libraries in process, and the managed NLayer / NVorbis
/// path) against the ffmpeg executable's float decode of the same file, by the ISO/IEC 11172-4 rule: RMS error below
/// 2^-15 / sqrt(12) of full scale. Lengths must agree sample for sample (gapless).
/// </summary>
public class LibAvReaderTests
{
    /// <summary>ISO/IEC 11172-4's bound on the RMS error of a "full accuracy" decoder, relative to full scale 1.</summary>
    private static readonly double ConformanceRms = Math.Pow(2, -15) / Math.Sqrt(12);

    public static IEnumerable<object[]> Fixtures() => new[]
    {
        new object[] { "fma/fma_small/000/000002.mp3" },
        new object[] { "fma/fma_small/001/001039.mp3" },
        new object[] { "fma/fma_small/011/011683.mp3" },
        new object[] { "fma/fma_medium/001/001041.mp3" },
        new object[] { "ogg/singularity_nebula_30s.ogg" },
        new object[] { "ogg/frozen-bubble_introzik.ogg" },
    };

    /// <summary>The test assets, with the RMS error allowed to the managed decoder.</summary>
    /// <remarks>
    /// NLayer misses the bound on the LAME -V 2 48 kHz file (RMS 9.7e-4 measured on 2026-11-29; ffmpeg's libraries: 0):
    /// one reason the libraries are preferred where present. The bound below is that figure's double, so a regression shows.
    /// </remarks>
    public static IEnumerable<object[]> Assets() => new[]
    {
        new object[] { "click-44k-stereo-cbr.mp3", ConformanceRms },
        new object[] { "click-48k-stereo-vbr.mp3", 2e-3 },
        new object[] { "click-22k-mono.mp3", ConformanceRms },
        new object[] { "click-44k-stereo.ogg", ConformanceRms },
    };

    [SkippableTheory]
    [MemberData(nameof(Fixtures))]
    public void RealMusicDecodesWithinTheConformanceToleranceOfFfmpeg(string file)
    {
        SharedData.SkipIfMissing();
        CheckConformance(SharedData.Path("fixtures", file), ConformanceRms);
    }

    [SkippableTheory]
    [MemberData(nameof(Assets))]
    public void TestAssetsDecodeWithinTheConformanceToleranceOfFfmpeg(string asset, double managedLimit) => CheckConformance(TestSignal.Asset(asset), managedLimit);

    [SkippableFact]
    public void TheLibrariesAreUsedWhenPresentAndSayWhyNotOtherwise()
    {
        Skip.IfNot(LibAv.IsAvailable, $"ffmpeg's libraries are not used here: {LibAv.UnavailableReason}");
        Assert.True(AudioDecoder.UsesFfmpegLibraries);
        Assert.Contains("ffmpeg's libraries in process", AudioDecoder.DecoderDescription, StringComparison.Ordinal);
        using AudioReader reader = AudioDecoder.Open(TestSignal.Asset("click-44k-stereo.ogg"));
        Assert.Equal("vorbis", Assert.IsType<LibAvReader>(reader).DecoderName);
    }

    [SkippableFact]
    public void ReadingInOddBlocksGivesTheWholeDecode()
    {
        Skip.IfNot(LibAv.IsAvailable, $"ffmpeg's libraries are not used here: {LibAv.UnavailableReason}");
        string path = TestSignal.Asset("click-48k-stereo-vbr.mp3");
        AudioData whole = AudioDecoder.Decode(path);
        using AudioReader reader = AudioDecoder.Open(path);
        var parts = new[] { new List<float>(), new List<float>() };
        var buffers = new[] { new float[777], new float[777] };
        int read, step = 0;
        while ((read = reader.Read(buffers, 0, 1 + (step++ * 97 % 777))) > 0)
        {
            parts[0].AddRange(buffers[0].AsSpan(0, read).ToArray());
            parts[1].AddRange(buffers[1].AsSpan(0, read).ToArray());
        }

        Assert.Equal(whole.Channels[0], parts[0]);
        Assert.Equal(whole.Channels[1], parts[1]);
    }

    [SkippableFact]
    public void AMissingOrNonAudioFileIsAClearError()
    {
        Skip.IfNot(LibAv.IsAvailable, $"ffmpeg's libraries are not used here: {LibAv.UnavailableReason}");
        var missing = Assert.Throws<AudioFormatException>(() => LibAvReader.Open(Path.Combine(Path.GetTempPath(), "cqtml-no-such-file.mp3"), null));
        Assert.Contains("not found", missing.Message, StringComparison.Ordinal);
        string text = Path.Combine(Path.GetTempPath(), $"cqtml-text-{Guid.NewGuid():N}.txt");
        File.WriteAllText(text, "not audio at all\n");
        try
        {
            var error = Assert.Throws<AudioFormatException>(() => LibAvReader.Open(text, null));
            Assert.Contains(text, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(text);
        }
    }

    private static void CheckConformance(string path, double managedLimit)
    {
        Skip.IfNot(FfmpegReader.IsAvailable, "ffmpeg is not on the PATH (.ci/run installs it)");
        AudioData reference;
        using (AudioReader ffmpeg = FfmpegReader.Open(path))
        {
            reference = ffmpeg.ReadAll();
        }

        try
        {
            using AudioReader reader = AudioDecoder.OpenManaged(path);
            AudioData managed = reader.ReadAll();
            Assert.Equal(reference.FrameCount, managed.FrameCount);
            AssertConformant(reference, managed, "managed decoder", managedLimit);
        }
        catch (AudioFormatException e) when (e.IsDecoderLimitation)
        {
            // NVorbis refuses streams whose granule positions disagree with its packet count (frozen-bubble): said, not hidden.
            Assert.Contains("granule", e.Message, StringComparison.Ordinal);
        }

        if (LibAv.IsAvailable)
        {
            using AudioReader reader = AudioDecoder.Open(path);
            Assert.IsType<LibAvReader>(reader);
            AudioData native = reader.ReadAll();
            Assert.Equal(reference.FrameCount, native.FrameCount);
            AssertConformant(reference, native, "ffmpeg's libraries", ConformanceRms);
        }
    }

    private static void AssertConformant(AudioData reference, AudioData decoded, string which, double limit)
    {
        Assert.Equal(reference.ChannelCount, decoded.ChannelCount);
        for (int c = 0; c < reference.ChannelCount; c++)
        {
            double sum = 0;
            float[] a = reference.Channels[c], b = decoded.Channels[c];
            for (int i = 0; i < a.Length; i++)
            {
                double d = a[i] - b[i];
                sum += d * d;
            }

            double rms = Math.Sqrt(sum / Math.Max(1, a.Length));
            Assert.True(rms < limit, $"{which}, channel {c}: RMS error {rms:E2} against ffmpeg, limit {limit:E2}");
        }
    }
}
