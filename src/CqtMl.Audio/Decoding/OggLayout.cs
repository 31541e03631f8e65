using System.Buffers.Binary;

namespace CqtMl.Audio.Decoding;

/// <summary>
/// The page structure of an Ogg file, checked once before decoding: every page's capture pattern, length and CRC,
/// page sequence numbers without gaps, granule positions that never go back and a final one the file can hold, a sane
/// Vorbis identification header, and an end-of-stream page at the end. Damage anywhere is reported instead of decoding
/// silently short or wrong. A stray end-of-stream flag on a page that is not the last is repaired (the decoder would
/// stop there; ffmpeg reads on): <see cref="Result.Patches"/> holds the corrected bytes and a warning is traced.
/// </summary>
internal static class OggLayout
{
    /// <summary>
    /// The most samples per channel a byte of Vorbis may carry (silence packs a 2,048-sample block into a few bytes);
    /// a final granule position beyond this times the file's length is corrupt.
    /// </summary>
    public const long MaxSamplesPerByte = 4096;

    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>What <see cref="Check"/> found.</summary>
    /// <param name="Codec">The codec signature of the first packet: vorbis, opus, flac or unknown.</param>
    /// <param name="Patches">Byte ranges to overwrite while decoding (position, bytes): repaired page headers.</param>
    /// <param name="FinalGranule">The last page's granule position: for Vorbis, the samples per channel of a stream that starts at 0.</param>
    public sealed record Result(string Codec, IReadOnlyList<(long Position, byte[] Bytes)> Patches, long FinalGranule);

    /// <summary>Checks the pages of the first logical stream.</summary>
    public static Result Check(string path, Stream stream)
    {
        long length = stream.Length;
        if (length == 0)
        {
            throw new AudioFormatException(path, "empty file");
        }

        var header = new byte[27];
        var body = new byte[255 * 255 + 255];
        long position = 0;
        uint? serial = null;
        uint expectedSequence = 0;
        bool endOfStream = false;
        string codec = "unknown";
        long lastGranule = -1, highestGranule = 0, endOfStreamPage = -1;
        byte[]? endOfStreamBytes = null;
        var patches = new List<(long Position, byte[] Bytes)>();
        while (position < length)
        {
            stream.Position = position;
            if (stream.ReadAtLeast(header, 27, throwOnEndOfStream: false) < 27)
            {
                throw new AudioFormatException(path, $"truncated: incomplete Ogg page header at byte {position}");
            }

            if (!header.AsSpan(0, 4).SequenceEqual("OggS"u8) || header[4] != 0)
            {
                throw new AudioFormatException(path, position == 0 ? "not an Ogg file" : $"corrupt: no Ogg page at byte {position}");
            }

            int segments = header[26];
            var table = body.AsSpan(0, segments);
            if (stream.ReadAtLeast(table, segments, throwOnEndOfStream: false) < segments)
            {
                throw new AudioFormatException(path, $"truncated: incomplete Ogg page at byte {position}");
            }

            int bodyLength = 0;
            foreach (byte lace in table)
            {
                bodyLength += lace;
            }

            byte[] page = new byte[27 + segments + bodyLength];
            header.CopyTo(page, 0);
            table.CopyTo(page.AsSpan(27));
            if (stream.ReadAtLeast(page.AsSpan(27 + segments), bodyLength, throwOnEndOfStream: false) < bodyLength)
            {
                throw new AudioFormatException(path, $"truncated: the Ogg page at byte {position} needs {bodyLength} bytes of data");
            }

            uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(22));
            page.AsSpan(22, 4).Clear();
            if (Crc(page) != storedCrc)
            {
                throw new AudioFormatException(path, $"corrupt: CRC mismatch in the Ogg page at byte {position}");
            }

            uint pageSerial = BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(14));
            uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(18));
            if (serial is null)
            {
                serial = pageSerial;
                ReadOnlySpan<byte> packet = page.AsSpan(27 + segments);
                codec = packet.StartsWith("\u0001vorbis"u8) ? "vorbis" : packet.StartsWith("OpusHead"u8) ? "opus" : packet.StartsWith("\u007fFLAC"u8) ? "flac" : "unknown";
                if (codec == "vorbis")
                {
                    CheckVorbisIdentification(path, packet);
                }
            }

            if (pageSerial == serial)
            {
                if (sequence != expectedSequence)
                {
                    throw new AudioFormatException(path, $"corrupt: Ogg page {expectedSequence} is missing (found {sequence} at byte {position})");
                }

                expectedSequence++;
                if (endOfStream)
                {
                    // The previous page said the stream ended, yet it goes on: clear that flag (and fix the CRC) so that
                    // the decoder reads on, as ffmpeg does.
                    patches.AddRange(ClearEndOfStream(endOfStreamPage, endOfStreamBytes!));
                    System.Diagnostics.Trace.TraceWarning($"{path}: ignored a stray end-of-stream flag on the Ogg page at byte {endOfStreamPage}; decoding continues");
                }

                endOfStream = (header[5] & 4) != 0;
                if (endOfStream)
                {
                    endOfStreamPage = position;
                    endOfStreamBytes = page;
                }

                long granule = BinaryPrimitives.ReadInt64LittleEndian(page.AsSpan(6));
                if (granule != -1)
                {
                    if (granule < highestGranule)
                    {
                        throw new AudioFormatException(path, $"corrupt: the granule position of the Ogg page at byte {position} ({granule}) is below an earlier page's ({highestGranule})");
                    }

                    highestGranule = granule;
                }

                lastGranule = granule;
            }

            position += page.Length;
        }

        if (!endOfStream)
        {
            throw new AudioFormatException(path, "truncated: the Ogg stream has no end-of-stream page");
        }

        if (lastGranule < 0 || lastGranule > MaxSamplesPerByte * length)
        {
            throw new AudioFormatException(path, $"corrupt: the last Ogg page's granule position ({lastGranule}) is not a length a {length}-byte file can hold");
        }

        return new Result(codec, patches, lastGranule);
    }

    /// <summary>The header bytes that clear the end-of-stream flag of <paramref name="page"/> (at <paramref name="position"/>), with its CRC recomputed.</summary>
    private static IEnumerable<(long Position, byte[] Bytes)> ClearEndOfStream(long position, byte[] page)
    {
        byte[] copy = (byte[])page.Clone();
        copy[5] &= unchecked((byte)~4);
        copy.AsSpan(22, 4).Clear();
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc(copy));
        return new[] { (position + 5, new[] { copy[5] }), (position + 22, crc) };
    }

    /// <summary>Checks the fields of the Vorbis identification header that the decoder sizes its buffers from.</summary>
    private static void CheckVorbisIdentification(string path, ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 30)
        {
            throw new AudioFormatException(path, "corrupt Vorbis identification header (too short)");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(packet[7..]);
        int channels = packet[11];
        uint rate = BinaryPrimitives.ReadUInt32LittleEndian(packet[12..]);
        int small = packet[28] & 0x0F, large = packet[28] >> 4;
        if (version != 0 || channels == 0 || rate == 0 || small < 6 || large > 13 || small > large || (packet[29] & 1) == 0)
        {
            throw new AudioFormatException(path, $"corrupt Vorbis identification header (version {version}, {channels} channels, {rate} Hz, block sizes 2^{small} and 2^{large})");
        }
    }

    internal static uint Crc(ReadOnlySpan<byte> data)
    {
        uint crc = 0;
        foreach (byte b in data)
        {
            crc = (crc << 8) ^ CrcTable[(crc >> 24) ^ b];
        }

        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint r = i << 24;
            for (int j = 0; j < 8; j++)
            {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            }

            table[i] = r;
        }

        return table;
    }
}
