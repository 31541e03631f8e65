namespace CqtMl.Audio.Decoding;

/// <summary>
/// A read-only view of a seekable stream with some byte ranges replaced (repairs found before decoding, such as a
/// cleared end-of-stream flag), so that a file is repaired for the decoder without copying it.
/// </summary>
internal sealed class PatchedStream(Stream inner, IReadOnlyList<(long Position, byte[] Bytes)> patches) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => inner.Position = value; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        long start = inner.Position;
        int read = inner.Read(buffer);
        foreach ((long position, byte[] bytes) in patches)
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                long at = position + i - start;
                if (at >= 0 && at < read)
                {
                    buffer[(int)at] = bytes[i];
                }
            }
        }

        return read;
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
