using CqtMl.Audio.Cqt;
using CqtMl.Audio.Tests.Support;

namespace CqtMl.Audio.Tests.Cqt;

public class CqtExtractorTests
{
    [Theory]
    [InlineData(0, 64, 1)]
    [InlineData(63, 64, 1)]
    [InlineData(64, 64, 2)]
    [InlineData(22050, 64, 345)]
    [InlineData(1000, 7, 143)]
    public void FrameCountIsOnePlusSamplesOverHop(int samples, int hop, int frames)
    {
        var options = new CqtOptions { HopLength = hop };
        Assert.Equal(frames, options.FrameCount(samples));
        float[] magnitude = new CqtExtractor(options with { BinCount = 12, FMin = 220 }).Compute(new float[samples]);
        Assert.Equal(12 * frames, magnitude.Length);
    }

    [Theory]
    [InlineData(22050, 30.0, 661500)]
    [InlineData(22050, 0.5, 11025)]
    [InlineData(22050, 0.00002, 0)]
    [InlineData(22050, 0.00003, 1)]
    [InlineData(16000, 1.23456, 19753)]
    public void SampleCountOfRoundsSecondsAtTheSampleRate(int rate, double seconds, long samples)
    {
        var options = new CqtOptions { SampleRate = rate };
        Assert.Equal(samples, options.SampleCountOf(seconds));
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void SampleCountOfRefusesANegativeOrNonFiniteDuration(double seconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CqtOptions().SampleCountOf(seconds));

    [Theory]
    [InlineData(nameof(CqtOptions.SampleRate), 0)]
    [InlineData(nameof(CqtOptions.HopLength), 0)]
    [InlineData(nameof(CqtOptions.BinCount), -1)]
    [InlineData(nameof(CqtOptions.BinsPerOctave), 0)]
    public void OutOfRangeParametersAreNamed(string parameter, int value)
    {
        CqtOptions options = parameter switch
        {
            nameof(CqtOptions.SampleRate) => new CqtOptions { SampleRate = value },
            nameof(CqtOptions.HopLength) => new CqtOptions { HopLength = value },
            nameof(CqtOptions.BinCount) => new CqtOptions { BinCount = value },
            _ => new CqtOptions { BinsPerOctave = value },
        };
        var error = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new CqtExtractor(options));
        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void TopBinAtOrAboveNyquistIsRejectedWithTheFrequencies()
    {
        // 84 bins from 200 Hz reach 200 * 2^(83/12) = 24.2 kHz > 11.025 kHz.
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CqtExtractor(new CqtOptions { FMin = 200 }));
        Assert.Contains("Nyquist", error.Message);
        Assert.Contains("11025", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CqtExtractor(new CqtOptions { FMin = double.NaN }));
    }

    [Fact]
    public void PureToneLightsUpItsBin()
    {
        // A4 = 440 Hz (MIDI 69) is bin 45 from C1 (MIDI 24) at 12 bins per octave; it must dominate the middle frame.
        int sr = 22050;
        float[] y = Enumerable.Range(0, sr).Select(i => (float)Math.Sin(2 * Math.PI * 440 * i / sr)).ToArray();
        var extractor = new CqtExtractor();
        float[] magnitude = extractor.Compute(y);
        int frames = extractor.Options.FrameCount(sr), middle = frames / 2;
        int best = Enumerable.Range(0, 84).MaxBy(k => magnitude[(k * frames) + middle]);
        Assert.Equal(45, best);

        // With scale=True and L1-normalised kernels a unit sine gives |C| = sqrt(L) / 2 at its bin (hand value).
        double alpha = (Math.Pow(2, 2.0 / 12) - 1) / (Math.Pow(2, 2.0 / 12) + 1);
        double length = sr / (alpha * 440);
        Assert.Equal(Math.Sqrt(length) / 2, magnitude[(45 * frames) + middle], 2);
    }

    [Fact]
    public void StreamingEqualsWholeSignalForAnyWriteSize()
    {
        float[] y = Signals.Music(22050 * 7 + 123, 22050, 5);
        var extractor = new CqtExtractor(new CqtOptions { Output = CqtOutput.Complex });
        int frames = extractor.Options.FrameCount(y.Length);
        var re = new float[84 * frames];
        var im = new float[84 * frames];
        extractor.ComputeComplex(y, re, im);
        foreach (int chunk in new[] { 1000, 65536, 4099 })
        {
            CqtStream stream = extractor.CreateStream();
            var seen = new bool[frames];
            void Drain()
            {
                while (stream.TryRead(out CqtBlock? block))
                {
                    for (int k = 0; k < 84; k++)
                    {
                        for (int f = 0; f < block!.FrameCount; f++)
                        {
                            Assert.Equal(re[(k * frames) + block.FirstFrame + f], block.Real[(k * block.FrameCount) + f]);
                            Assert.Equal(im[(k * frames) + block.FirstFrame + f], block.Imaginary[(k * block.FrameCount) + f]);
                        }
                    }

                    for (int f = 0; f < block!.FrameCount; f++)
                    {
                        Assert.False(seen[block.FirstFrame + f]);
                        seen[block.FirstFrame + f] = true;
                    }
                }
            }

            for (int i = 0; i < y.Length; i += chunk)
            {
                stream.Write(y.AsSpan(i, Math.Min(chunk, y.Length - i)));
                Drain();
            }

            stream.Complete();
            Drain();
            Assert.All(seen, Assert.True);
            Assert.Equal(frames, stream.TotalFrames);
        }
    }

    [Fact]
    public void OneExtractorIsSafeToShareAcrossThreads()
    {
        var extractor = new CqtExtractor();
        float[][] signals = Enumerable.Range(0, 8).Select(s => Signals.Music(22050 * 2, 22050, s)).ToArray();
        float[][] expected = signals.Select(s => extractor.Compute(s)).ToArray();
        var results = new float[signals.Length * 4][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = extractor.Compute(signals[i % signals.Length]));
        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal(expected[i % signals.Length], results[i]);
        }
    }

    [Fact]
    public void TensorChannelsFollowTheChannelMode()
    {
        float[] left = Signals.Music(11025, 22050, 1), right = Signals.WhiteNoise(11025, 2, 0.1f);
        var stereo = new CqtExtractor();
        float[] tensor = stereo.ComputeTensor(new[] { left, right });
        int plane = 84 * stereo.Options.FrameCount(left.Length);
        Assert.Equal(2 * plane, tensor.Length);
        Assert.Equal(stereo.Compute(left), tensor[..plane]);
        Assert.Equal(stereo.Compute(right), tensor[plane..]);

        float[] mono = stereo.ComputeTensor(new[] { left });
        Assert.Equal(mono[..plane], mono[plane..]);

        var complex = new CqtExtractor(new CqtOptions { Channels = CqtChannels.Complex, Output = CqtOutput.Complex });
        float[] mix = left.Zip(right, (a, b) => (a + b) / 2).ToArray();
        float[] interleaved = complex.Compute(mix);
        float[] complexTensor = complex.ComputeTensor(new[] { left, right });
        for (int i = 0; i < plane; i++)
        {
            Assert.Equal(interleaved[2 * i], complexTensor[i], 6);
            Assert.Equal(interleaved[(2 * i) + 1], complexTensor[plane + i], 6);
        }
    }

    [Fact]
    public void ChannelMeanAveragesTheTwoPlanes()
    {
        // [2, 2, 3]: plane 0 then plane 1.
        float[] tensor = { 1, 2, 3, 4, 5, 6, 3, 2, 1, 0, -5, 10 };
        Assert.Equal(new[] { 2f, 2, 2, 2, 0, 8 }, CqtExtractor.ChannelMean(tensor));
        Assert.Throws<ArgumentException>(() => CqtExtractor.ChannelMean(new float[3]));
    }
}
