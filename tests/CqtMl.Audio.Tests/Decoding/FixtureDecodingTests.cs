using CqtMl.Audio.Decoding;

namespace CqtMl.Audio.Tests.Decoding;

/// <summary>
/// Real files of ../shared/fixtures. Expected lengths are ffmpeg 5.1's gapless decodes of the same files (counted on
/// 2026-11-25); rates and channel counts are MANIFEST.tsv's.
/// </summary>
public class FixtureDecodingTests
{
    public static IEnumerable<object[]> Files() => new[]
    {
        new object[] { "fma/fma_small/000/000002.mp3", 44100, 2, 1321967 },
        new object[] { "fma/fma_small/000/000141.mp3", 44100, 2, 1323000 },
        new object[] { "fma/fma_small/001/001039.mp3", 48000, 2, 1439731 },
        new object[] { "fma/fma_small/001/001040.mp3", 44100, 2, 1323000 },
        new object[] { "fma/fma_small/011/011683.mp3", 22050, 1, 661471 },
        new object[] { "fma/fma_small/011/011684.mp3", 44100, 2, 529200 },
        new object[] { "fma/fma_medium/001/001041.mp3", 44100, 2, 1323144 },
        new object[] { "musicnet/test_data/9004.wav", 44100, 1, 529200 },
        new object[] { "ogg/singularity_nebula_30s.ogg", 48000, 2, 1440000 },
    };

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void DecodesRealFilesToTheirFullGaplessLength(string file, int rate, int channels, int frames)
    {
        SharedData.SkipIfMissing();
        AudioData audio = AudioDecoder.Decode(SharedData.Path("fixtures", file));
        Assert.Equal(rate, audio.SampleRate);
        Assert.Equal(channels, audio.ChannelCount);
        Assert.Equal(frames, audio.FrameCount);
        Assert.All(audio.Channels, c => Assert.True(c.Max(Math.Abs) > 0.01, "silent decode"));
    }

    [SkippableFact]
    public void Mp3MatchesFfmpegSampleForSample()
    {
        SharedData.SkipIfMissing();
        Skip.IfNot(FfmpegReader.IsAvailable, "ffmpeg is not on the PATH (.ci/run installs it)");
        string path = SharedData.Path("fixtures", "fma", "fma_small", "000", "000141.mp3");
        AudioData ours = AudioDecoder.Decode(path);
        using AudioReader ffmpeg = FfmpegReader.Open(path);
        AudioData theirs = ffmpeg.ReadAll();
        Assert.Equal(theirs.FrameCount, ours.FrameCount);
        double error = Metrics.RelativeL2(ours.Channels[0], theirs.Channels[0]);
        Assert.True(error < 1e-4, $"relative difference to ffmpeg {error:E2}");
    }

    [SkippableFact]
    public void FileWithOnlyAnId3TagIsReportedEmpty()
    {
        SharedData.SkipIfMissing();
        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(SharedData.Path("fixtures", "fma", "fma_small", "133", "133297.mp3")));
        Assert.Contains("no MPEG audio frames", error.Message);
        Assert.Contains("133297.mp3", error.Message);
    }

    [SkippableTheory]
    [InlineData("flac/loop_amen.flac", 44100, 2)]
    [InlineData("flac/bass_woodsy_c.flac", 44100, 2)]
    public void FlacDecodesThroughFfmpeg(string file, int rate, int channels)
    {
        SharedData.SkipIfMissing();
        string path = SharedData.Path("fixtures", file);
        if (!FfmpegReader.IsAvailable)
        {
            var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(path));
            Assert.Contains("ffmpeg", error.Message);
            return;
        }

        AudioData audio = AudioDecoder.Decode(path);
        Assert.Equal(rate, audio.SampleRate);
        Assert.Equal(channels, audio.ChannelCount);
        Assert.True(audio.FrameCount > rate);
    }

    [SkippableFact]
    public void OggWhoseGranulesNVorbisMisreadsFallsBackToFfmpegOrSaysWhy()
    {
        SharedData.SkipIfMissing();
        string path = SharedData.Path("fixtures", "ogg", "frozen-bubble_introzik.ogg");
        if (FfmpegReader.IsAvailable)
        {
            Assert.Equal(8622153, AudioDecoder.Decode(path).FrameCount);
        }
        else
        {
            var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(path));
            Assert.True(error.IsDecoderLimitation);
        }
    }
}
