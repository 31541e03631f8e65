using System.Buffers.Binary;
using System.Text;

namespace CqtMl.Onnx.Proto;

/// <summary>A minimal Protocol Buffers encoder: varints, 64-bit and length-delimited fields, nested messages.</summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _stream = new();

    /// <summary>Gets the encoded bytes.</summary>
    public byte[] ToArray() => _stream.ToArray();

    public void Int64(int field, long value)
    {
        Tag(field, 0);
        Varint((ulong)value);
    }

    public void Float(int field, float value)
    {
        Tag(field, 5);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, value);
        _stream.Write(b);
    }

    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        Varint((ulong)value.Length);
        _stream.Write(value);
    }

    /// <summary>Copies already-encoded fields as they are.</summary>
    public void Raw(ReadOnlySpan<byte> encoded) => _stream.Write(encoded);

    public void Message(int field, Action<ProtoWriter> write)
    {
        var inner = new ProtoWriter();
        write(inner);
        Bytes(field, inner.ToArray());
    }

    public void PackedInt64(int field, IEnumerable<long> values)
    {
        var inner = new ProtoWriter();
        foreach (long v in values)
        {
            inner.Varint((ulong)v);
        }

        Bytes(field, inner.ToArray());
    }

    public void PackedFloat(int field, IEnumerable<float> values)
    {
        var inner = new ProtoWriter();
        Span<byte> b = stackalloc byte[4];
        foreach (float v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(b, v);
            inner._stream.Write(b);
        }

        Bytes(field, inner.ToArray());
    }

    private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    private void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        _stream.WriteByte((byte)value);
    }
}
