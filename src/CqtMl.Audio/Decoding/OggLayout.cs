using System.Buffers.Binary;

namespace CqtMl.Audio.Decoding;

/// <summary>
/// The page structure of an Ogg file, checked once before decoding: every page's capture pattern, length and CRC,
/// page sequence numbers without gaps, and an end-of-stream page at the end. Damage anywhere is reported instead of
/// decoding silently short or wrong.
/// </summary>
internal static class OggLayout
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Checks the pages of the first logical stream; returns the codec signature of its first packet.</summary>
    public static string Check(string path, Stream stream)
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
            }

            if (pageSerial == serial)
            {
                if (sequence != expectedSequence)
                {
                    throw new AudioFormatException(path, $"corrupt: Ogg page {expectedSequence} is missing (found {sequence} at byte {position})");
                }

                expectedSequence++;
                endOfStream = (header[5] & 4) != 0;
            }

            position += page.Length;
        }

        if (!endOfStream)
        {
            throw new AudioFormatException(path, "truncated: the Ogg stream has no end-of-stream page");
        }

        return codec;
    }

    private static uint Crc(ReadOnlySpan<byte> data)
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
