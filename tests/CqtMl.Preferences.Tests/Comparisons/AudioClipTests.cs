using CqtMl.Audio.Decoding;

namespace CqtMl.Preferences.Tests.Comparisons;

/// <summary>Clips are cut by rounding offset and duration to samples, and bad ranges are refused.</summary>
public class AudioClipTests
{
    [Fact]
    public void ClipsAreCutAtRoundedSamplesAndStopAtTheEnd()
    {
        var audio = new AudioData(1000, new[] { Enumerable.Range(0, 3000).Select(i => (float)i).ToArray() });
        AudioData clip = audio.Clip(1.2346, 0.5);
        Assert.Equal(500, clip.FrameCount);
        Assert.Equal(1235f, clip.Channels[0][0]);
        Assert.Equal(100, audio.Clip(2.9, 5).FrameCount);
        Assert.Same(audio, audio.Clip(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => audio.Clip(3, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => audio.Clip(-1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => audio.Clip(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => audio.Clip(double.NaN, 1));
    }
}
