namespace CqtMl.Onnx.Proto;

/// <summary>
/// Small edits of serialised ONNX models without a full protobuf library: fields are copied byte for byte except the
/// ones an edit removes.
/// </summary>
public static class OnnxModelEditor
{
    private const int ModelGraph = 7, GraphInitializer = 5, GraphInput = 11, TensorName = 8, ValueInfoName = 1, TensorDataType = 2, TensorRawData = 9;

    /// <summary>
    /// Removes the initializers (default values) of the named graph inputs, which makes those inputs required. ML.NET's
    /// ONNX transform can only feed inputs that have no initializer (ONNX Runtime lists the others separately).
    /// </summary>
    /// <param name="model">The model's bytes.</param>
    /// <param name="names">The inputs whose defaults to drop.</param>
    /// <returns>The edited model's bytes.</returns>
    public static byte[] WithoutInitializers(byte[] model, IReadOnlySet<string> names)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(names);
        return WithoutGraphEntries(model, GraphInitializer, TensorName, names);
    }

    /// <summary>
    /// Removes the named inputs from the graph's input list, which turns inputs that have a default (an initializer of
    /// the same name) into constants: ONNX Runtime can then fold them, and stops warning that an initializer is also an
    /// input. Only for inputs that have a default; the caller will not feed them.
    /// </summary>
    /// <param name="model">The model's bytes.</param>
    /// <param name="names">The optional inputs to fix at their defaults.</param>
    /// <returns>The edited model's bytes.</returns>
    public static byte[] WithoutInputs(byte[] model, IReadOnlySet<string> names)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(names);
        return WithoutGraphEntries(model, GraphInput, ValueInfoName, names);
    }

    /// <summary>
    /// Stores float16 initializers (weights written with <c>Float16Weights</c>) as float32, converting their values
    /// exactly; the <c>Cast</c> nodes behind them then cast float32 to float32. ML.NET's ONNX transform rejects models with
    /// float16 initializers ("Unsupported ONNX scalar type: Float16"), so the ML.NET transforms feed it this form; the
    /// computation is the same. A model without float16 initializers comes back unchanged.
    /// </summary>
    /// <param name="model">The model's bytes.</param>
    /// <returns>The edited model's bytes.</returns>
    public static byte[] WithFloat32Weights(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Rewrite(model, (field, payload) => field != ModelGraph
            ? payload
            : Rewrite(payload, (entryField, entry) => entryField == GraphInitializer ? Float32Tensor(entry) : entry));
    }

    /// <summary>A TensorProto with float16 raw data as float32 (other tensors unchanged).</summary>
    private static byte[] Float32Tensor(byte[] tensor)
    {
        List<ProtoField> fields = Fields(tensor);
        if (!fields.Any(f => f.Number == TensorDataType && f.WireType == 0 && f.Varint == OnnxGraph.Float16))
        {
            return tensor;
        }

        var output = new ProtoWriter();
        foreach (ProtoField field in fields)
        {
            if (field.Number == TensorDataType && field.WireType == 0)
            {
                output.Int64(TensorDataType, OnnxGraph.Float);
            }
            else if (field.Number == TensorRawData && field.WireType == 2)
            {
                output.Bytes(TensorRawData, Widen(field.Payload(tensor)));
            }
            else
            {
                output.Raw(tensor.AsSpan(field.Start, field.End - field.Start));
            }
        }

        return output.ToArray();
    }

    private static byte[] Widen(byte[] halves)
    {
        ReadOnlySpan<Half> values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(halves);
        var floats = new float[values.Length];
        for (int i = 0; i < floats.Length; i++)
        {
            floats[i] = (float)values[i];
        }

        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(floats.AsSpan()).ToArray();
    }

    /// <summary>Drops the graph's repeated <paramref name="graphField"/> entries whose name (field <paramref name="nameField"/>) is listed.</summary>
    private static byte[] WithoutGraphEntries(byte[] model, int graphField, int nameField, IReadOnlySet<string> names) =>
        Rewrite(model, (field, payload) => field != ModelGraph
            ? payload
            : Rewrite(payload, (entryField, entry) => entryField == graphField && names.Contains(NameOf(entry, nameField)) ? null : entry));

    /// <summary>Copies a message, letting <paramref name="edit"/> replace or drop (null) each length-delimited field.</summary>
    private static byte[] Rewrite(byte[] message, Func<int, byte[], byte[]?> edit)
    {
        var output = new ProtoWriter();
        foreach (ProtoField field in Fields(message))
        {
            if (field.WireType != 2)
            {
                output.Raw(message.AsSpan(field.Start, field.End - field.Start));
            }
            else if (edit(field.Number, field.Payload(message)) is byte[] replaced)
            {
                output.Bytes(field.Number, replaced);
            }
        }

        return output.ToArray();
    }

    private static string NameOf(byte[] message, int nameField)
    {
        string name = string.Empty;
        foreach (ProtoField field in Fields(message))
        {
            if (field.Number == nameField && field.WireType == 2)
            {
                name = System.Text.Encoding.UTF8.GetString(field.Payload(message));
            }
        }

        return name;
    }

    /// <summary>The fields of a serialised message, in order: number, wire type, where they lie, and a varint's value.</summary>
    internal static List<ProtoField> Fields(byte[] message)
    {
        var fields = new List<ProtoField>();
        int position = 0;
        while (position < message.Length)
        {
            int start = position;
            ulong key = ReadVarint(message, ref position);
            int number = (int)(key >> 3), wireType = (int)(key & 7);
            ulong varint = 0;
            int payloadStart = position;
            switch (wireType)
            {
                case 0:
                    varint = ReadVarint(message, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                case 2:
                    int length = checked((int)ReadVarint(message, ref position));
                    payloadStart = position;
                    position += length;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {wireType} at byte {start}.");
            }

            if (position > message.Length)
            {
                throw new InvalidDataException($"Truncated protobuf field {number} at byte {start}.");
            }

            fields.Add(new ProtoField(number, wireType, start, position, varint, payloadStart));
        }

        return fields;
    }

    private static ulong ReadVarint(byte[] data, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (position >= data.Length || shift > 63)
            {
                throw new InvalidDataException("Truncated or malformed protobuf varint.");
            }

            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    /// <summary>One field of a serialised message: bytes [Start, End) in all; for wire type 2 the payload runs from PayloadStart to End.</summary>
    internal readonly record struct ProtoField(int Number, int WireType, int Start, int End, ulong Varint, int PayloadStart)
    {
        public byte[] Payload(byte[] message) => message.AsSpan(PayloadStart, End - PayloadStart).ToArray();
    }
}
