using CqtMl.Audio.Decoding;
using CqtMl.Audio.Tests.Support;

namespace CqtMl.Audio.Tests.Decoding;

/// <summary>
/// MP3 and Ogg Vorbis against their known synthetic source (Assets/make-assets.sh): the decoded timeline must be the
/// source's, sample for sample: same length, the click at the same index.
/// </summary>
public class CompressedFormatTests
{
    [Theory]
    [InlineData("click-44k-stereo-cbr.mp3", 44100, 2)]
    [InlineData("click-48k-stereo-vbr.mp3", 48000, 2)]
    [InlineData("click-22k-mono.mp3", 22050, 1)]
    [InlineData("click-44k-stereo.ogg", 44100, 2)]
    public void DecodedTimelineMatchesTheSource(string asset, int rate, int channels)
    {
        AudioData audio = AudioDecoder.Decode(TestSignal.Asset(asset));
        float[][] source = TestSignal.Create(rate, channels, 2.0);
        Assert.Equal(rate, audio.SampleRate);
        Assert.Equal(channels, audio.ChannelCount);
        Assert.Equal(source[0].Length, audio.FrameCount);
        Assert.Equal(TestSignal.ClickAt, TestSignal.ArgMaxAbs(audio.Channels[0], 0, (int)(0.49 * rate)));

        // Lossy, but aligned: a shift of even one sample would drop the correlation of the 1760 Hz burst a lot.
        double correlation = TestSignal.Correlation(audio.Channels[0], source[0]);
        Assert.True(correlation > 0.98, $"correlation {correlation}");
        if (channels == 2)
        {
            Assert.True(TestSignal.Correlation(audio.Channels[1], source[1]) > 0.98);
        }
    }

    [Fact]
    public void Mp3StreamingReadsEqualTheWholeDecode()
    {
        string path = TestSignal.Asset("click-44k-stereo-cbr.mp3");
        AudioData whole = AudioDecoder.Decode(path);
        using AudioReader reader = AudioDecoder.Open(path);
        var buffers = new[] { new float[1000], new float[1000] };
        var right = new List<float>();
        int read;
        while ((read = reader.Read(buffers, 0, 1000)) > 0)
        {
            right.AddRange(buffers[1].AsSpan(0, read).ToArray());
        }

        Assert.Equal(whole.Channels[1], right);
    }

    [Fact]
    public void TruncatedMp3IsAnErrorNotAShortDecode()
    {
        byte[] bytes = File.ReadAllBytes(TestSignal.Asset("click-44k-stereo-cbr.mp3"));
        string path = Path.Combine(Path.GetTempPath(), $"cqtml-trunc-{Guid.NewGuid():N}.mp3");
        try
        {
            File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);
            var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(path));
            Assert.Contains("truncated", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TruncatedOggIsAnError()
    {
        byte[] bytes = File.ReadAllBytes(TestSignal.Asset("click-44k-stereo.ogg"));
        string path = Path.Combine(Path.GetTempPath(), $"cqtml-trunc-{Guid.NewGuid():N}.ogg");
        try
        {
            File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
            var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(path));
            Assert.Contains("truncated", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
