using System.Buffers.Binary;

namespace CqtMl.Audio.Decoding;

/// <summary>
/// The frame structure of an MP3 file, found by walking every frame header once (no decoding): where each audio frame
/// starts, and the gapless information (encoder delay and end padding) of a LAME/Lavc/Lavf "Xing"/"Info" tag. Junk
/// between frames (an ID3 or APE tag, damaged bytes) is skipped by resynchronising on the next two consecutive frames
/// that match the stream, as ffmpeg does, with a traced warning naming the skipped bytes. A frame that runs past the
/// end of the file, or fewer frames than the tag declares, are reported as errors, so a damaged file never decodes
/// silently short.
/// </summary>
internal sealed record Mp3Layout(MpegFrameHeader First, IReadOnlyList<long> FrameOffsets, int? EncoderDelay, int? EndPadding)
{
    /// <summary>The MP3 decoder (synthesis filterbank) delay in samples, removed together with the encoder delay.</summary>
    public const int DecoderDelay = 529;

    /// <summary>Gets the number of audio frames (the Xing/Info tag frame excluded).</summary>
    public long AudioFrames => FrameOffsets.Count;

    /// <summary>Gets the samples per channel before gapless trimming.</summary>
    public long RawSamples => AudioFrames * First.SamplesPerFrame;

    /// <summary>Gets the samples to drop at the start: encoder delay + decoder delay, when the file says so.</summary>
    public int Skip => EncoderDelay is int delay ? delay + DecoderDelay : 0;

    /// <summary>
    /// Gets the number of samples per channel of the source timeline: the decoded samples less the encoder delay and
    /// the end padding, and never more than the decoder can deliver after its own 529-sample delay (as ffmpeg does).
    /// </summary>
    public long Samples => EncoderDelay is int delay ? Math.Max(0, RawSamples - delay - Math.Max(EndPadding ?? 0, DecoderDelay)) : RawSamples;

    /// <summary>Walks the file's frames.</summary>
    public static Mp3Layout Scan(string path, Stream stream)
    {
        long length = stream.Length;
        if (length == 0)
        {
            throw new AudioFormatException(path, "empty file");
        }

        long position = SkipId3v2(path, stream, length);
        Span<byte> head = stackalloc byte[4];
        MpegFrameHeader? first = null;
        var offsets = new List<long>();
        var tagBuffer = new byte[512];
        int? delay = null, padding = null;
        long? declaredFrames = null;
        while (position < length)
        {
            MpegFrameHeader? header = ReadHeader(stream, position, head);
            if (header is not MpegFrameHeader frame || (first is MpegFrameHeader f0 && !f0.IsCompatible(frame)))
            {
                if (first is not MpegFrameHeader reference)
                {
                    throw new AudioFormatException(path, position == 0 || length - position < 4 ? "no MPEG audio frames found" : $"no MPEG audio frame at byte {position} after the ID3 tag");
                }

                long next = Resynchronise(stream, position + 1, length, reference);
                if (next < 0)
                {
                    if (!IsTrailingTag(stream, position, length))
                    {
                        System.Diagnostics.Trace.TraceWarning($"{path}: ignored {length - position} bytes after the last MPEG frame (byte {position} on)");
                    }

                    break;
                }

                System.Diagnostics.Trace.TraceWarning($"{path}: skipped {next - position} bytes of non-audio data at byte {position} ({Describe(stream, position)}); decoding continues at byte {next}");
                position = next;
                continue;
            }

            if (position + frame.FrameLength > length)
            {
                throw new AudioFormatException(path, $"truncated: the last MPEG frame needs {position + frame.FrameLength - length} more bytes");
            }

            if (first is null)
            {
                first = frame;
                stream.Position = position;
                int tagBytes = stream.ReadAtLeast(tagBuffer.AsSpan(0, Math.Min(tagBuffer.Length, frame.FrameLength)), Math.Min(tagBuffer.Length, frame.FrameLength), throwOnEndOfStream: false);
                if (ReadXingTag(tagBuffer.AsSpan(0, tagBytes), frame, out declaredFrames, out delay, out padding))
                {
                    position += frame.FrameLength;
                    continue;
                }
            }

            offsets.Add(position);
            position += frame.FrameLength;
        }

        if (first is not MpegFrameHeader firstFrame)
        {
            throw new AudioFormatException(path, "no MPEG audio frames found");
        }

        if (declaredFrames is long declared && declared > offsets.Count)
        {
            throw new AudioFormatException(path, $"truncated: the Xing/Info header declares {declared} frames, the file holds {offsets.Count}");
        }

        if (offsets.Count == 0)
        {
            throw new AudioFormatException(path, "no MPEG audio frames found (only a header frame)");
        }

        return new Mp3Layout(firstFrame, offsets, delay, padding);
    }

    private static MpegFrameHeader? ReadHeader(Stream stream, long position, Span<byte> head)
    {
        stream.Position = position;
        return stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4 ? MpegFrameHeader.Parse(head) : null;
    }

    /// <summary>
    /// Finds the next position at or after <paramref name="from"/> where a frame compatible with the stream starts and
    /// is followed by another one (or ends the file exactly); -1 when there is none.
    /// </summary>
    private static long Resynchronise(Stream stream, long from, long length, MpegFrameHeader reference)
    {
        Span<byte> head = stackalloc byte[4];
        var window = new byte[1 << 16];
        for (long start = from; start + 4 <= length; start += window.Length - 3)
        {
            stream.Position = start;
            int got = stream.ReadAtLeast(window, window.Length, throwOnEndOfStream: false);
            for (int i = 0; i + 4 <= got; i++)
            {
                if (window[i] != 0xFF || (window[i + 1] & 0xE0) != 0xE0)
                {
                    continue;
                }

                long candidate = start + i;
                if (MpegFrameHeader.Parse(window.AsSpan(i, 4)) is MpegFrameHeader frame && reference.IsCompatible(frame) && candidate + frame.FrameLength <= length)
                {
                    long following = candidate + frame.FrameLength;
                    if (following == length || (ReadHeader(stream, following, head) is MpegFrameHeader second && reference.IsCompatible(second)) || IsTrailingTag(stream, following, length))
                    {
                        return candidate;
                    }
                }
            }

            if (got < window.Length)
            {
                break;
            }
        }

        return -1;
    }

    private static string Describe(Stream stream, long position)
    {
        Span<byte> magic = stackalloc byte[8];
        stream.Position = position;
        int got = stream.ReadAtLeast(magic, 8, throwOnEndOfStream: false);
        ReadOnlySpan<byte> m = magic[..got];
        return m.StartsWith("ID3"u8) ? "an ID3 tag" : m.StartsWith("APETAGEX"u8) ? "an APE tag" : m.StartsWith("TAG"u8) ? "an ID3v1 tag" : "damaged or unknown data";
    }

    private static long SkipId3v2(string path, Stream stream, long length)
    {
        long position = 0;
        Span<byte> id3 = stackalloc byte[10];
        while (true)
        {
            stream.Position = position;
            if (stream.ReadAtLeast(id3, 10, throwOnEndOfStream: false) < 10 || !id3[..3].SequenceEqual("ID3"u8))
            {
                return position;
            }

            if ((id3[6] | id3[7] | id3[8] | id3[9]) >= 0x80)
            {
                throw new AudioFormatException(path, "corrupt ID3v2 tag size");
            }

            long size = (id3[6] << 21) | (id3[7] << 14) | (id3[8] << 7) | id3[9];
            position += 10 + size + ((id3[5] & 0x10) != 0 ? 10 : 0);
            if (position >= length)
            {
                throw new AudioFormatException(path, "no MPEG audio frames found (the file holds only an ID3 tag)");
            }
        }
    }

    private static bool IsTrailingTag(Stream stream, long position, long length)
    {
        Span<byte> magic = stackalloc byte[8];
        stream.Position = position;
        int got = stream.ReadAtLeast(magic, 8, throwOnEndOfStream: false);
        ReadOnlySpan<byte> m = magic[..got];
        return (m.StartsWith("TAG"u8) && length - position == 128) || m.StartsWith("APETAGEX"u8) || m.StartsWith("LYRICS"u8) || m.StartsWith("ID3"u8);
    }

    private static bool ReadXingTag(ReadOnlySpan<byte> frame, MpegFrameHeader header, out long? frames, out int? delay, out int? padding)
    {
        frames = null;
        delay = null;
        padding = null;
        int at = 4 + (header.HasCrc ? 2 : 0) + header.SideInfoLength;
        if (frame.Length < at + 8 || !(frame.Slice(at, 4).SequenceEqual("Xing"u8) || frame.Slice(at, 4).SequenceEqual("Info"u8)))
        {
            return false;
        }

        uint flags = BinaryPrimitives.ReadUInt32BigEndian(frame[(at + 4)..]);
        if ((flags & 1) != 0 && frame.Length >= at + 12)
        {
            frames = BinaryPrimitives.ReadUInt32BigEndian(frame[(at + 8)..]);
        }

        // LAME-style extension: 9-byte encoder string at tag + 120, encoder delay and padding (12 bits each) at tag + 141.
        int lame = at + 120;
        if (frame.Length >= lame + 24)
        {
            ReadOnlySpan<byte> encoder = frame.Slice(lame, 4);
            if (encoder.SequenceEqual("LAME"u8) || encoder.SequenceEqual("Lavf"u8) || encoder.SequenceEqual("Lavc"u8))
            {
                int packed = (frame[lame + 21] << 16) | (frame[lame + 22] << 8) | frame[lame + 23];
                delay = packed >> 12;
                padding = packed & 0xFFF;
            }
        }

        return true;
    }
}
