using NLayer;

namespace CqtMl.Audio.Decoding;

/// <summary>
/// Reads MPEG audio (MP3, and layers I/II) with NLayer's frame decoder, gapless: when the file carries a
/// LAME/Lavc/Lavf tag, the encoder delay plus the 529-sample decoder delay are dropped at the start and the end
/// padding at the end, so sample i of the output is sample i of the source that was encoded (as ffmpeg does).
/// Without such a tag every decoded sample is returned.
/// </summary>
/// <remarks>
/// The reader walks the frames itself and gives each one to NLayer's <see cref="MpegFrameDecoder"/>, so every frame
/// yields exactly its samples: a frame NLayer cannot decode (for example one whose bit reservoir lies before the
/// first frame) becomes silence instead of silently shortening and shifting the timeline, which is what
/// <see cref="MpegFile"/> does.
/// </remarks>
public sealed class Mp3Reader : AudioReader
{
    private readonly Stream _stream;
    private readonly MpegFrameDecoder _decoder = new();
    private readonly Mp3FrameData _frame = new();
    private readonly int _samplesPerFrame;
    private readonly IReadOnlyList<long> _frameOffsets;
    private int _nextFrame;
    private long _skip;
    private long _left;
    private float[] _decoded;
    private int _decodedStart;
    private int _decodedCount;
    private byte[] _frameBytes = new byte[2048];

    private Mp3Reader(string path, Stream stream, Mp3Layout layout)
        : base(path, layout.First.SampleRate, layout.First.Channels, layout.Samples)
    {
        _stream = stream;
        _samplesPerFrame = layout.First.SamplesPerFrame;
        _frameOffsets = layout.FrameOffsets;
        _skip = layout.Skip;
        _left = layout.Samples;
        _decoded = new float[_samplesPerFrame * layout.First.Channels];
    }

    /// <summary>Opens an MP3 file, checks its frame structure and reads its gapless information.</summary>
    /// <param name="path">The file.</param>
    /// <returns>A reader positioned at the first sample of the source timeline.</returns>
    /// <exception cref="AudioFormatException">No frames, a broken frame chain, a truncated file.</exception>
    public static Mp3Reader Open(string path)
    {
        Stream stream = AudioDecoder.OpenFile(path);
        try
        {
            return new Mp3Reader(path, stream, Mp3Layout.Scan(path, stream));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    protected override int ReadCore(float[][] channels, int offset, int count)
    {
        int n = ChannelCount, written = 0;
        while (written < count && _left > 0)
        {
            if (_decodedCount == 0 && !DecodeNextFrame())
            {
                break;
            }

            int skip = (int)Math.Min(_skip, _decodedCount);
            _decodedStart += skip;
            _decodedCount -= skip;
            _skip -= skip;
            int take = (int)Math.Min(Math.Min(_decodedCount, count - written), _left);
            if (take > 0)
            {
                Deinterleave(_decoded.AsSpan(_decodedStart * n), take, channels, offset + written);
                _decodedStart += take;
                _decodedCount -= take;
                written += take;
                _left -= take;
            }
        }

        return written;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stream.Dispose();
        }
    }

    private bool DecodeNextFrame()
    {
        if (_nextFrame == _frameOffsets.Count)
        {
            return false;
        }

        _stream.Position = _frameOffsets[_nextFrame++];
        Span<byte> head = stackalloc byte[4];
        _stream.ReadExactly(head);
        MpegFrameHeader header = MpegFrameHeader.Parse(head) ?? throw new AudioFormatException(Path, $"corrupt MPEG frame header at byte {_stream.Position - 4}");
        if (_frameBytes.Length < header.FrameLength)
        {
            _frameBytes = new byte[header.FrameLength];
        }

        head.CopyTo(_frameBytes);
        _stream.ReadExactly(_frameBytes, 4, header.FrameLength - 4);
        _frame.Set(_frameBytes, header);
        int values = _decoder.DecodeFrame(_frame, _decoded, 0);
        int expected = _samplesPerFrame * ChannelCount;
        if (values < expected)
        {
            // An undecodable frame still occupies its place in the timeline.
            Array.Clear(_decoded, Math.Max(0, values), expected - Math.Max(0, values));
        }

        _decodedStart = 0;
        _decodedCount = _samplesPerFrame;
        return true;
    }
}
