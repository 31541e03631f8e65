using System.Buffers.Binary;
using CqtMl.Audio.Decoding;
using CqtMl.Audio.IO;
using CqtMl.Audio.Tests.Support;

namespace CqtMl.Audio.Tests.Decoding;

public class WavReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-wav-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static IEnumerable<object[]> Encodings() => new[]
    {
        // format tag, bits, extensible, channels, tolerance
        new object[] { 1, 8, false, 1, 0.5 / 128 }, new object[] { 1, 16, false, 2, 0.5 / 32768 },
        new object[] { 1, 24, false, 2, 0.5 / 8388608 }, new object[] { 1, 32, false, 3, 1e-7 },
        new object[] { 3, 32, false, 2, 0.0 }, new object[] { 3, 64, false, 1, 1e-7 },
        new object[] { 1, 16, true, 6, 0.5 / 32768 }, new object[] { 3, 32, true, 2, 0.0 },
        new object[] { 1, 24, true, 1, 0.5 / 8388608 },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void DecodesEveryPcmAndFloatEncoding(int tag, int bits, bool extensible, int channels, double tolerance)
    {
        float[][] source = Enumerable.Range(0, channels).Select(c => Enumerable.Range(0, 1000).Select(i => (float)(0.9 * Math.Sin((i * 0.01 * (c + 1)) + c))).ToArray()).ToArray();
        string path = Path.Combine(_dir, $"t{tag}-{bits}-{extensible}-{channels}.wav");
        File.WriteAllBytes(path, Encode(source, 16000, tag, bits, extensible));

        AudioData audio = AudioDecoder.Decode(path);
        Assert.Equal(16000, audio.SampleRate);
        Assert.Equal(channels, audio.ChannelCount);
        Assert.Equal(1000, audio.FrameCount);
        for (int c = 0; c < channels; c++)
        {
            for (int i = 0; i < 1000; i++)
            {
                Assert.True(Math.Abs(audio.Channels[c][i] - source[c][i]) <= tolerance + 1e-9, $"ch {c} sample {i}: {audio.Channels[c][i]} vs {source[c][i]}");
            }
        }
    }

    [Fact]
    public void HandScaledIntegerSamplesDecodeToExactValues()
    {
        // 16-bit: -32768 -> -1, 16384 -> 0.5; 8-bit unsigned: 0 -> -1, 128 -> 0, 192 -> 0.5.
        string path16 = Path.Combine(_dir, "hand16.wav");
        File.WriteAllBytes(path16, Raw(1, 16, 1, 8000, new byte[] { 0x00, 0x80, 0x00, 0x40, 0x00, 0x00 }));
        Assert.Equal(new[] { -1f, 0.5f, 0f }, AudioDecoder.Decode(path16).Channels[0]);
        string path8 = Path.Combine(_dir, "hand8.wav");
        File.WriteAllBytes(path8, Raw(1, 8, 1, 8000, new byte[] { 0, 128, 192 }));
        Assert.Equal(new[] { -1f, 0f, 0.5f }, AudioDecoder.Decode(path8).Channels[0]);
    }

    [Fact]
    public void WriterAndReaderRoundTrip()
    {
        float[][] source = TestSignal.Create(22050, 2, 0.7);
        string path = Path.Combine(_dir, "roundtrip.wav");
        WavWriter.WriteFloat32(path, 22050, source);
        AudioData audio = AudioDecoder.Decode(path);
        Assert.Equal(source[0], audio.Channels[0]);
        Assert.Equal(source[1], audio.Channels[1]);
    }

    [Fact]
    public void StreamingReadsEqualTheWholeFile()
    {
        float[][] source = TestSignal.Create(8000, 2, 3.0);
        string path = Path.Combine(_dir, "stream.wav");
        WavWriter.WriteFloat32(path, 8000, source);
        using AudioReader reader = AudioDecoder.Open(path);
        Assert.Equal(source[0].Length, reader.FrameCount);
        var buffers = new[] { new float[777], new float[777] };
        var left = new List<float>();
        int read;
        while ((read = reader.Read(buffers, 0, 777)) > 0)
        {
            left.AddRange(buffers[0].AsSpan(0, read).ToArray());
        }

        Assert.Equal(source[0], left);
    }

    [Fact]
    public void TruncatedDataChunkIsAnError()
    {
        string path = Path.Combine(_dir, "trunc.wav");
        byte[] whole = Encode(TestSignal.Create(8000, 1, 0.5), 8000, 1, 16, false);
        File.WriteAllBytes(path, whole[..(whole.Length - 10)]);
        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(path));
        Assert.Contains("truncated", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Theory]
    [InlineData(new byte[0], "empty file")]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F' }, "too short")]
    public void EmptyAndTinyFilesAreErrors(byte[] content, string reason)
    {
        string path = Path.Combine(_dir, "tiny.wav");
        File.WriteAllBytes(path, content);
        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(path));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void UnsupportedEncodingIsNamed()
    {
        string path = Path.Combine(_dir, "adpcm.wav");
        File.WriteAllBytes(path, Raw(2, 4, 1, 8000, new byte[16]));
        var error = Assert.Throws<AudioFormatException>(() => WavReader.Open(path));
        Assert.Contains("unsupported WAVE encoding", error.Message);
    }

    [Fact]
    public void MissingFileIsAnAudioFormatError()
    {
        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(Path.Combine(_dir, "nope.wav")));
        Assert.Contains("file not found", error.Message);
    }

    internal static byte[] Encode(float[][] channels, int rate, int tag, int bits, bool extensible)
    {
        int n = channels.Length, frames = channels[0].Length, bytes = bits / 8;
        var data = new byte[frames * n * bytes];
        for (int i = 0; i < frames; i++)
        {
            for (int c = 0; c < n; c++)
            {
                Span<byte> s = data.AsSpan(((i * n) + c) * bytes, bytes);
                double v = channels[c][i];
                switch (tag, bits)
                {
                    case (3, 32): BinaryPrimitives.WriteSingleLittleEndian(s, (float)v); break;
                    case (3, 64): BinaryPrimitives.WriteDoubleLittleEndian(s, v); break;
                    case (1, 8): s[0] = (byte)Math.Clamp(Math.Round((v * 128) + 128), 0, 255); break;
                    case (1, 16): BinaryPrimitives.WriteInt16LittleEndian(s, (short)Math.Clamp(Math.Round(v * 32768), short.MinValue, short.MaxValue)); break;
                    case (1, 24):
                        int q = (int)Math.Clamp(Math.Round(v * 8388608), -8388608, 8388607);
                        s[0] = (byte)q; s[1] = (byte)(q >> 8); s[2] = (byte)(q >> 16);
                        break;
                    default: BinaryPrimitives.WriteInt32LittleEndian(s, (int)Math.Clamp(Math.Round(v * 2147483648.0), int.MinValue, int.MaxValue)); break;
                }
            }
        }

        return extensible ? RawExtensible(tag, bits, n, rate, data) : Raw(tag, bits, n, rate, data);
    }

    private static byte[] Raw(int tag, int bits, int channels, int rate, byte[] data) => Build(FormatChunk(tag, bits, channels, rate, 16), data);

    private static byte[] RawExtensible(int tag, int bits, int channels, int rate, byte[] data)
    {
        byte[] fmt = FormatChunk(0xFFFE, bits, channels, rate, 40);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(18), (ushort)bits);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(20), (uint)((1 << channels) - 1));
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(24), (ushort)tag);
        new byte[] { 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71 }.CopyTo(fmt, 26);
        return Build(fmt, data);
    }

    private static byte[] FormatChunk(int tag, int bits, int channels, int rate, int size)
    {
        var fmt = new byte[size];
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, (ushort)tag);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(4), (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(8), (uint)(rate * channels * bits / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), (ushort)(channels * bits / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), (ushort)bits);
        return fmt;
    }

    private static byte[] Build(byte[] fmt, byte[] data)
    {
        using var ms = new MemoryStream();
        ms.Write("RIFF"u8);
        ms.Write(BitConverter.GetBytes(4 + 8 + fmt.Length + 8 + data.Length + (data.Length & 1)));
        ms.Write("WAVEfmt "u8);
        ms.Write(BitConverter.GetBytes(fmt.Length));
        ms.Write(fmt);
        ms.Write("LIST"u8);
        ms.Write(BitConverter.GetBytes(4));
        ms.Write("INFO"u8);
        ms.Write("data"u8);
        ms.Write(BitConverter.GetBytes(data.Length));
        ms.Write(data);
        if ((data.Length & 1) == 1)
        {
            ms.WriteByte(0);
        }

        return ms.ToArray();
    }
}
