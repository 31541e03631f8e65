using System.Buffers.Binary;
using System.Diagnostics;
using CqtMl.Audio.Decoding;
using CqtMl.Audio.IO;
using CqtMl.Audio.Tests.Support;

namespace CqtMl.Audio.Tests.Decoding;

/// <summary>
/// The malformed files a fuzzing run of the CLI found (absurd header fields, junk between frames, stray flags): each is
/// rejected at once with an <see cref="AudioFormatException"/> naming the file, or decoded in full with a warning.
/// </summary>
public class MalformedHeaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-malformed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(1)]
    [InlineData(999)]
    [InlineData(9_999_991)]
    public void WavSampleRatesOutsideTheSupportedRangeAreRejected(int rate)
    {
        byte[] wav = FloatWav(1000);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(24), rate);
        AssertRejected(Write("rate.wav", wav), "sample rate");
    }

    [Fact]
    public void FloatSamplesFarBeyondFullScaleAreRejectedNotTurnedIntoInfinity()
    {
        byte[] wav = FloatWav(1000);
        BinaryPrimitives.WriteSingleLittleEndian(wav.AsSpan(44 + 4 * 500), 1e30f);
        AssertRejected(Write("huge.wav", wav), "sample 500 of channel 0");
    }

    [Fact]
    public void Rf64WithANegativeDataSizeIsRejected()
    {
        // RIFF -> RF64 with a ds64 chunk whose data size is -1 and a data chunk size of 0xFFFFFFFF.
        byte[] pcm = FloatWav(100)[44..];
        using var file = new MemoryStream();
        file.Write("RF64"u8);
        file.Write(BitConverter.GetBytes(uint.MaxValue));
        file.Write("WAVEds64"u8);
        file.Write(BitConverter.GetBytes(28));
        file.Write(BitConverter.GetBytes(-1L));
        file.Write(BitConverter.GetBytes(-1L));
        file.Write(BitConverter.GetBytes(0L));
        file.Write(BitConverter.GetBytes(0));
        file.Write(FloatWav(100).AsSpan(12, 24));
        file.Write("data"u8);
        file.Write(BitConverter.GetBytes(uint.MaxValue));
        file.Write(pcm);
        AssertRejected(Write("rf64.wav", file.ToArray()), "ds64");
    }

    [Theory]
    [InlineData("granule-huge", "granule")]
    [InlineData("granule-minus-one", "granule")]
    [InlineData("granule-zero", "granule")]
    [InlineData("blocksize", "identification header")]
    [InlineData("rate-one", "sample rate 1 Hz")]
    public void OggWithAbsurdHeaderFieldsIsRejectedQuickly(string damage, string reason)
    {
        byte[] ogg = File.ReadAllBytes(TestSignal.Asset("click-44k-stereo.ogg"));
        List<int> pages = Pages(ogg);
        switch (damage)
        {
            case "granule-huge":
                BinaryPrimitives.WriteInt64LittleEndian(ogg.AsSpan(pages[^1] + 6), 1L << 40);
                break;
            case "granule-minus-one":
                BinaryPrimitives.WriteInt64LittleEndian(ogg.AsSpan(pages[^1] + 6), -1);
                break;
            case "granule-zero":
                BinaryPrimitives.WriteInt64LittleEndian(ogg.AsSpan(pages[^1] + 6), 0);
                break;
            case "blocksize":
                ogg[pages[0] + 27 + ogg[pages[0] + 26] + 28] = 0xFF;
                break;
            default:
                BinaryPrimitives.WriteInt32LittleEndian(ogg.AsSpan(pages[0] + 27 + ogg[pages[0] + 26] + 12), 1);
                break;
        }

        FixCrcs(ogg, pages);
        var clock = Stopwatch.StartNew();
        AssertRejected(Write($"{damage}.ogg", ogg), reason);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void OggPageWithAStrayEndOfStreamFlagDecodesInFullWithAWarning()
    {
        byte[] ogg = File.ReadAllBytes(TestSignal.Asset("click-44k-stereo.ogg"));
        AudioData whole = AudioDecoder.Decode(Write("whole.ogg", ogg));
        List<int> pages = Pages(ogg);
        Assert.True(pages.Count >= 4, $"{pages.Count} pages");
        ogg[pages[pages.Count / 2] + 5] |= 4;
        FixCrcs(ogg, pages);
        string path = Write("eos.ogg", ogg);
        (AudioData repaired, List<string> warnings) = DecodeWithWarnings(path);
        // The intact file may go through ffmpeg's libraries and the repaired one through NVorbis: equal within float rounding.
        Assert.Equal(whole.FrameCount, repaired.FrameCount);
        Assert.True(Metrics.RelativeL2(whole.Channels[0], repaired.Channels[0]) < 1e-5);
        Assert.Contains(warnings, w => w.Contains(path, StringComparison.Ordinal) && w.Contains("end-of-stream", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ID3")]
    [InlineData("APETAGEX")]
    [InlineData("junk")]
    public void Mp3WithATagOrJunkBetweenFramesDecodesInFullWithAWarning(string inserted)
    {
        byte[] mp3 = File.ReadAllBytes(TestSignal.Asset("click-44k-stereo-cbr.mp3"));
        AudioData whole = AudioDecoder.Decode(Write("whole.mp3", mp3));
        int at = FrameStart(mp3, mp3.Length / 2);
        byte[] junk = inserted switch
        {
            "ID3" => new byte[] { (byte)'I', (byte)'D', (byte)'3', 4, 0, 0, 0, 0, 0, 0 },
            "APETAGEX" => "APETAGEX"u8.ToArray().Concat(new byte[24]).ToArray(),
            _ => Enumerable.Range(0, 333).Select(i => (byte)(i * 7)).ToArray(),
        };
        string path = Write($"{inserted}.mp3", mp3[..at].Concat(junk).Concat(mp3[at..]).ToArray());
        (AudioData decoded, List<string> warnings) = DecodeWithWarnings(path);
        // ffmpeg's libraries resynchronise past the junk themselves or hand the file to NLayer: equal within float rounding.
        Assert.Equal(whole.FrameCount, decoded.FrameCount);
        Assert.True(Metrics.RelativeL2(whole.Channels[0], decoded.Channels[0]) < 1e-4);
        Assert.Contains(warnings, w => w.Contains(path, StringComparison.Ordinal) && w.Contains($"skipped {junk.Length} bytes", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void FlacWithAZeroedRunDecodesThroughFfmpegWithAWarningThatFramesWereSkipped()
    {
        Skip.IfNot(FfmpegReader.IsAvailable, "ffmpeg is not on the PATH (FLAC is decoded through it).");
        SharedData.SkipIfMissing();
        byte[] flac = File.ReadAllBytes(SharedData.Path("fixtures", "flac", "loop_amen.flac"));
        Array.Clear(flac, flac.Length / 3, 64 * 1024);
        string path = Write("zeroed.flac", flac);
        (AudioData decoded, List<string> warnings) = DecodeWithWarnings(path);
        Assert.True(decoded.FrameCount < 77_000, $"{decoded.FrameCount} samples");
        Assert.Contains(warnings, w => w.Contains(path, StringComparison.Ordinal) && w.Contains("damaged frames were skipped", StringComparison.Ordinal));
    }

    private static (AudioData Audio, List<string> Warnings) DecodeWithWarnings(string path)
    {
        var listener = new CollectingListener();
        Trace.Listeners.Add(listener);
        try
        {
            return (AudioDecoder.Decode(path), listener.Lines);
        }
        finally
        {
            Trace.Listeners.Remove(listener);
        }
    }

    private static void AssertRejected(string path, string reason)
    {
        var error = Assert.Throws<AudioFormatException>(() =>
        {
            using AudioReader reader = AudioDecoder.Open(path);
            reader.ReadAll();
        });
        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains(reason, error.Message);
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private byte[] FloatWav(int samples)
    {
        string path = Path.Combine(_dir, $"source-{Guid.NewGuid():N}.wav");
        WavWriter.WriteFloat32(path, 22050, new float[samples]);
        return File.ReadAllBytes(path);
    }

    private static List<int> Pages(byte[] ogg)
    {
        var pages = new List<int>();
        for (int at = 0; at + 27 <= ogg.Length;)
        {
            pages.Add(at);
            int segments = ogg[at + 26], body = 0;
            for (int i = 0; i < segments; i++)
            {
                body += ogg[at + 27 + i];
            }

            at += 27 + segments + body;
        }

        return pages;
    }

    private static void FixCrcs(byte[] ogg, List<int> pages)
    {
        for (int p = 0; p < pages.Count; p++)
        {
            int end = p + 1 < pages.Count ? pages[p + 1] : ogg.Length;
            ogg.AsSpan(pages[p] + 22, 4).Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(ogg.AsSpan(pages[p] + 22), OggLayout.Crc(ogg.AsSpan(pages[p], end - pages[p])));
        }
    }

    private static int FrameStart(byte[] mp3, int from)
    {
        // The next position where a frame header is followed by another one exactly one frame later.
        for (int i = from; i + 4 < mp3.Length; i++)
        {
            if (MpegFrameHeader.Parse(mp3.AsSpan(i, 4)) is MpegFrameHeader h && i + h.FrameLength + 4 < mp3.Length && MpegFrameHeader.Parse(mp3.AsSpan(i + h.FrameLength, 4)) is not null)
            {
                return i;
            }
        }

        throw new InvalidOperationException("no frame found");
    }

    private sealed class CollectingListener : TraceListener
    {
        public List<string> Lines { get; } = new();

        public override void Write(string? message) => Lines.Add(message ?? string.Empty);

        public override void WriteLine(string? message) => Lines.Add(message ?? string.Empty);
    }
}
