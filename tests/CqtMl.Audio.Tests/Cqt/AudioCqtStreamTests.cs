using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;
using CqtMl.Audio.Resampling;
using CqtMl.Audio.Tests.Support;

namespace CqtMl.Audio.Tests.Cqt;

/// <summary>
/// The streaming file -> CQT pipeline against the whole-file computation (decode everything, mix where one signal is
/// transformed, resample, <see cref="CqtExtractor.ComputeTensor(IReadOnlyList{float[]})"/>): equal value for value.
/// </summary>
public class AudioCqtStreamTests
{
    [Theory]
    [InlineData("click-44k-stereo-cbr.mp3", CqtChannels.Stereo)]
    [InlineData("click-44k-stereo-cbr.mp3", CqtChannels.Complex)]
    [InlineData("click-48k-stereo-vbr.mp3", CqtChannels.Stereo)]
    [InlineData("click-44k-stereo.ogg", CqtChannels.Complex)]
    [InlineData("click-22k-mono.mp3", CqtChannels.Stereo)]
    public void StreamingEqualsTheWholeFile(string asset, CqtChannels layout)
    {
        var extractor = new CqtExtractor(new CqtOptions { Channels = layout });
        string path = TestSignal.Asset(asset);
        (float[] streamed, int frames) = AudioCqtStream.ComputeTensor(path, extractor);
        float[] whole = Whole(path, extractor, null);
        Assert.Equal(whole.Length, streamed.Length);
        Assert.Equal(2 * extractor.Options.BinCount * frames, streamed.Length);
        Assert.Equal(whole, streamed);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(30.0)]
    public void AFixedLengthEqualsTruncatingOrPaddingTheResampledSignal(double seconds)
    {
        var extractor = new CqtExtractor(new CqtOptions { Channels = CqtChannels.Stereo });
        string path = TestSignal.Asset("click-48k-stereo-vbr.mp3");
        long length = (long)Math.Round(seconds * extractor.Options.SampleRate);
        (float[] streamed, int frames) = AudioCqtStream.ComputeTensor(path, extractor, length);
        Assert.Equal(extractor.Options.FrameCount(length), frames);
        Assert.Equal(Whole(path, extractor, length), streamed);
    }

    [Fact]
    public void ReadsOnlyWhatAShortFixedLengthNeeds()
    {
        var extractor = new CqtExtractor(new CqtOptions());
        AudioReader reader = AudioDecoder.Open(TestSignal.Asset("click-44k-stereo-cbr.mp3"));
        using var stream = new AudioCqtStream(reader, extractor, 1000);
        Assert.Equal(extractor.Options.FrameCount(1000), stream.ReadBlocks().Sum(b => b.FrameCount));
        Assert.True(reader.Position < reader.FrameCount, $"decoded {reader.Position} of {reader.FrameCount} samples for 1,000 at 22,050 Hz");
    }

    [Theory]
    [InlineData(CqtChannels.Stereo, null)]
    [InlineData(CqtChannels.Complex, 0.5)]
    public void ARentedTensorEqualsANewOneWhateverTheArrayHeldBefore(CqtChannels layout, double? seconds)
    {
        var extractor = new CqtExtractor(new CqtOptions { Channels = layout });
        string path = TestSignal.Asset("click-48k-stereo-vbr.mp3");
        long? length = seconds is double s ? (long)Math.Round(s * extractor.Options.SampleRate) : null;
        (float[] expected, int expectedFrames) = AudioCqtStream.ComputeTensor(path, extractor, length);
        var pool = new DirtyPool();
        (float[] buffer, int frames) = AudioCqtStream.RentTensor(path, extractor, length, pool);
        Assert.Same(pool.Lent, buffer);
        Assert.Equal(expectedFrames, frames);
        Assert.True(buffer.Length > expected.Length);
        Assert.Equal(expected, buffer.Take(expected.Length));
    }

    private static float[] Whole(string path, CqtExtractor extractor, long? length)
    {
        AudioData audio = AudioDecoder.Decode(path);
        float[][] signals = extractor.Options.Channels == CqtChannels.Complex ? new[] { audio.MixToMono() } : audio.Channels;
        signals = signals.Select(s => Resampler.Resample(s, audio.SampleRate, extractor.Options.SampleRate)).ToArray();
        if (length is long fixedLength)
        {
            signals = signals.Select(s =>
            {
                var fixedSignal = new float[fixedLength];
                s.AsSpan(0, (int)Math.Min(s.Length, fixedLength)).CopyTo(fixedSignal);
                return fixedSignal;
            }).ToArray();
        }

        return extractor.ComputeTensor(signals);
    }

    /// <summary>Lends one array longer than asked for and full of NaN, as a reused array may be.</summary>
    private sealed class DirtyPool : System.Buffers.ArrayPool<float>
    {
        public float[]? Lent { get; private set; }

        public override float[] Rent(int minimumLength)
        {
            Lent = new float[minimumLength + 1000];
            Array.Fill(Lent, float.NaN);
            return Lent;
        }

        public override void Return(float[] array, bool clearArray = false) => throw new InvalidOperationException("the caller returns the buffer");
    }
}
