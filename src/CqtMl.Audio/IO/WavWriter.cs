using System.Buffers.Binary;

namespace CqtMl.Audio.IO;

/// <summary>Writes 32-bit float WAVE files atomically (temporary file, then rename).</summary>
public static class WavWriter
{
    /// <summary>Writes <paramref name="channels"/> as an IEEE-float WAVE file.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="sampleRate">Samples per second.</param>
    /// <param name="channels">One array per channel, equal lengths.</param>
    public static void WriteFloat32(string path, int sampleRate, params float[][] channels)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Check(channels);
        AtomicFile.Write(path, temp =>
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
            WriteFloat32(stream, sampleRate, channels);
        });
    }

    /// <summary>Writes <paramref name="channels"/> as an IEEE-float WAVE file to a stream (for example an HTTP response).</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="sampleRate">Samples per second.</param>
    /// <param name="channels">One array per channel, equal lengths.</param>
    public static void WriteFloat32(Stream stream, int sampleRate, params float[][] channels)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Check(channels);
        int n = channels.Length, frames = channels[0].Length;
        long dataBytes = 4L * n * frames;
        var header = new byte[44];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)(36 + dataBytes));
        "WAVEfmt "u8.CopyTo(header.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(20), 3);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(22), (ushort)n);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(28), (uint)(sampleRate * 4 * n));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(32), (ushort)(4 * n));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(34), 32);
        "data"u8.CopyTo(header.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(40), (uint)dataBytes);
        stream.Write(header);
        var frame = new byte[4 * n * Math.Min(frames, 4096)];
        for (int start = 0; start < frames; start += 4096)
        {
            int count = Math.Min(4096, frames - start);
            for (int i = 0; i < count; i++)
            {
                for (int c = 0; c < n; c++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(frame.AsSpan(4 * ((i * n) + c)), channels[c][start + i]);
                }
            }

            stream.Write(frame, 0, 4 * n * count);
        }
    }

    private static void Check(float[][] channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Length == 0 || channels.Any(c => c.Length != channels[0].Length))
        {
            throw new ArgumentException("At least one channel, all of equal length, is required.", nameof(channels));
        }
    }
}
