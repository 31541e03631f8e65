using System.Buffers.Binary;

namespace CqtMl.Audio.Decoding;

/// <summary>
/// Reads RIFF/RF64 WAVE files: PCM 8 (unsigned), 16, 24 and 32-bit integer, IEEE float 32 and 64-bit, any channel
/// count, plain or WAVE_FORMAT_EXTENSIBLE headers. A data chunk that claims more bytes than the file holds is an error.
/// </summary>
public sealed class WavReader : AudioReader
{
    private const ushort FormatPcm = 1;
    private const ushort FormatFloat = 3;
    private const ushort FormatExtensible = 0xFFFE;

    private readonly Stream _stream;
    private readonly bool _isFloat;
    private readonly int _bytesPerSample;
    private readonly int _blockAlign;
    private long _framesLeft;
    private byte[] _bytes = Array.Empty<byte>();

    private WavReader(string path, Stream stream, Header header)
        : base(path, header.SampleRate, header.Channels, header.Frames)
    {
        _stream = stream;
        _isFloat = header.IsFloat;
        _bytesPerSample = header.BitsPerSample / 8;
        _blockAlign = header.BlockAlign;
        _framesLeft = header.Frames;
    }

    /// <summary>Opens a WAVE file and reads its header.</summary>
    /// <param name="path">The file.</param>
    /// <returns>A reader positioned at the first sample.</returns>
    /// <exception cref="AudioFormatException">The header is missing, malformed, truncated or unsupported.</exception>
    public static WavReader Open(string path)
    {
        Stream stream = AudioDecoder.OpenFile(path);
        try
        {
            return Open(path, stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads a WAVE header from <paramref name="stream"/> (which the reader then owns).</summary>
    /// <param name="path">The name used in error messages.</param>
    /// <param name="stream">A readable stream positioned at the RIFF header.</param>
    /// <returns>A reader positioned at the first sample.</returns>
    public static WavReader Open(string path, Stream stream)
    {
        Header header = ReadHeader(path, stream);
        return new WavReader(path, stream, header);
    }

    /// <inheritdoc/>
    protected override int ReadCore(float[][] channels, int offset, int count)
    {
        int frames = (int)Math.Min(count, _framesLeft);
        if (frames == 0)
        {
            return 0;
        }

        int byteCount = frames * _blockAlign;
        if (_bytes.Length < byteCount)
        {
            _bytes = new byte[byteCount];
        }

        int got = _stream.ReadAtLeast(_bytes.AsSpan(0, byteCount), byteCount, throwOnEndOfStream: false);
        if (got < byteCount)
        {
            throw new AudioFormatException(Path, $"truncated: the data chunk ends {byteCount - got} bytes early");
        }

        ReadOnlySpan<byte> data = _bytes.AsSpan(0, byteCount);
        int n = ChannelCount;
        for (int c = 0; c < n; c++)
        {
            float[] destination = channels[c];
            for (int i = 0; i < frames; i++)
            {
                destination[offset + i] = Sample(data.Slice(i * _blockAlign + c * _bytesPerSample, _bytesPerSample));
            }
        }

        _framesLeft -= frames;
        return frames;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stream.Dispose();
        }
    }

    private float Sample(ReadOnlySpan<byte> b)
    {
        if (_isFloat)
        {
            return _bytesPerSample == 4 ? BinaryPrimitives.ReadSingleLittleEndian(b) : (float)BinaryPrimitives.ReadDoubleLittleEndian(b);
        }

        return _bytesPerSample switch
        {
            1 => (b[0] - 128) / 128f,
            2 => BinaryPrimitives.ReadInt16LittleEndian(b) / 32768f,
            3 => ((b[0] << 8 | b[1] << 16 | b[2] << 24) >> 8) / 8388608f,
            _ => (float)(BinaryPrimitives.ReadInt32LittleEndian(b) / 2147483648.0),
        };
    }

    private static Header ReadHeader(string path, Stream stream)
    {
        Span<byte> riff = stackalloc byte[12];
        if (stream.ReadAtLeast(riff, 12, throwOnEndOfStream: false) < 12)
        {
            throw new AudioFormatException(path, stream.Length == 0 ? "empty file" : "too short for a WAVE header");
        }

        bool rf64 = riff[..4].SequenceEqual("RF64"u8);
        if (!(riff[..4].SequenceEqual("RIFF"u8) || rf64) || !riff[8..12].SequenceEqual("WAVE"u8))
        {
            throw new AudioFormatException(path, "not a RIFF/WAVE file");
        }

        long fileLength = stream.Length;
        long? ds64DataSize = null;
        Header? format = null;
        Span<byte> chunk = stackalloc byte[8];
        while (true)
        {
            if (stream.ReadAtLeast(chunk, 8, throwOnEndOfStream: false) < 8)
            {
                throw new AudioFormatException(path, format is null ? "no 'fmt ' chunk" : "no 'data' chunk");
            }

            string id = System.Text.Encoding.ASCII.GetString(chunk[..4]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            long remaining = fileLength - stream.Position;
            switch (id)
            {
                case "ds64" when rf64:
                    byte[] ds64 = ReadChunk(path, stream, size, remaining, id);
                    ds64DataSize = ds64.Length >= 16 ? BinaryPrimitives.ReadInt64LittleEndian(ds64.AsSpan(8)) : null;
                    break;
                case "fmt ":
                    format = ParseFormat(path, ReadChunk(path, stream, size, remaining, id));
                    break;
                case "data":
                    if (format is null)
                    {
                        throw new AudioFormatException(path, "'data' chunk before 'fmt ' chunk");
                    }

                    if (rf64 && size == 0xFFFFFFFF && ds64DataSize is long big)
                    {
                        if (big < 0)
                        {
                            throw new AudioFormatException(path, $"corrupt: the ds64 chunk declares a data size of {big} bytes");
                        }

                        size = big;
                    }
                    else if (size == 0xFFFFFFFF || (size == 0 && remaining > 0))
                    {
                        // Streaming writers (ffmpeg to a pipe, recorders) leave the size open: take the rest of the file.
                        size = remaining - remaining % format.BlockAlign;
                    }

                    if (size > remaining)
                    {
                        throw new AudioFormatException(path, $"truncated: the data chunk declares {size} bytes but the file holds {remaining}");
                    }

                    if (size % format.BlockAlign != 0)
                    {
                        throw new AudioFormatException(path, $"corrupt: data chunk size {size} is not a whole number of {format.BlockAlign}-byte frames");
                    }

                    return format with { Frames = size / format.BlockAlign };
                default:
                    if (size + (size & 1) > remaining)
                    {
                        throw new AudioFormatException(path, $"truncated or corrupt: chunk '{Printable(id)}' declares {size} bytes but the file holds {remaining}");
                    }

                    stream.Seek(size + (size & 1), SeekOrigin.Current);
                    break;
            }
        }
    }

    private static byte[] ReadChunk(string path, Stream stream, long size, long remaining, string id)
    {
        if (size > remaining || size > 1 << 20)
        {
            throw new AudioFormatException(path, $"corrupt: '{id}' chunk declares {size} bytes");
        }

        var bytes = new byte[size];
        stream.ReadExactly(bytes);
        if ((size & 1) == 1 && remaining > size)
        {
            stream.Seek(1, SeekOrigin.Current);
        }

        return bytes;
    }

    private static Header ParseFormat(string path, byte[] fmt)
    {
        if (fmt.Length < 16)
        {
            throw new AudioFormatException(path, $"corrupt: 'fmt ' chunk has {fmt.Length} bytes, at least 16 expected");
        }

        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(2));
        long sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(fmt.AsSpan(4));
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(12));
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(14));
        if (tag == FormatExtensible)
        {
            if (fmt.Length < 40)
            {
                throw new AudioFormatException(path, "corrupt: WAVE_FORMAT_EXTENSIBLE header shorter than 40 bytes");
            }

            // The sub-format GUID starts with the plain format tag (PCM = 1, IEEE float = 3).
            tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(24));
        }

        if (tag != FormatPcm && tag != FormatFloat)
        {
            throw new AudioFormatException(path, $"unsupported WAVE encoding (format tag 0x{tag:X4}); only PCM and IEEE float are supported");
        }

        bool isFloat = tag == FormatFloat;
        bool bitsOk = isFloat ? bits is 32 or 64 : bits is 8 or 16 or 24 or 32;
        if (!bitsOk)
        {
            throw new AudioFormatException(path, $"unsupported WAVE sample size: {bits}-bit {(isFloat ? "float" : "integer")}");
        }

        if (channels == 0)
        {
            throw new AudioFormatException(path, "corrupt: zero channels");
        }

        if (blockAlign != channels * bits / 8)
        {
            throw new AudioFormatException(path, $"corrupt: block align {blockAlign} does not match {channels} channels of {bits} bits");
        }

        AudioReader.CheckSampleRate(path, sampleRate);
        return new Header((int)sampleRate, channels, bits, isFloat, blockAlign, 0);
    }

    private static string Printable(string id) => new(id.Select(c => char.IsAsciiLetterOrDigit(c) || c == ' ' ? c : '?').ToArray());

    private sealed record Header(int SampleRate, int Channels, int BitsPerSample, bool IsFloat, int BlockAlign, long Frames);
}
