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
        var output = new MemoryStream(tensor.Length * 2);
        bool float16 = false;
        byte[]? raw = null;
        int position = 0;
        while (position < tensor.Length)
        {
            int start = position;
            ulong key = ReadVarint(tensor, ref position);
            int field = (int)(key >> 3), wireType = (int)(key & 7);
            switch (wireType)
            {
                case 0:
                    ulong value = ReadVarint(tensor, ref position);
                    if (field == TensorDataType && value == OnnxGraph.Float16)
                    {
                        float16 = true;
                        var writer = new ProtoWriter();
                        writer.Int64(TensorDataType, OnnxGraph.Float);
                        output.Write(writer.ToArray());
                        continue;
                    }

                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                case 2:
                    int length = checked((int)ReadVarint(tensor, ref position));
                    if (field == TensorRawData)
                    {
                        raw = tensor.AsSpan(position, length).ToArray();
                        position += length;
                        continue; // written last, once the type is known
                    }

                    position += length;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {wireType} at byte {start}.");
            }

            output.Write(tensor, start, position - start);
        }

        if (raw is not null)
        {
            var writer = new ProtoWriter();
            writer.Bytes(TensorRawData, float16 ? Widen(raw) : raw);
            output.Write(writer.ToArray());
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
        var output = new MemoryStream(message.Length);
        int position = 0;
        while (position < message.Length)
        {
            int start = position;
            ulong key = ReadVarint(message, ref position);
            int field = (int)(key >> 3), wireType = (int)(key & 7);
            switch (wireType)
            {
                case 0:
                    ReadVarint(message, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                case 2:
                    int length = checked((int)ReadVarint(message, ref position));
                    byte[] payload = message.AsSpan(position, length).ToArray();
                    position += length;
                    byte[]? replaced = edit(field, payload);
                    if (replaced is not null)
                    {
                        var writer = new ProtoWriter();
                        writer.Bytes(field, replaced);
                        output.Write(writer.ToArray());
                    }

                    continue;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {wireType} at byte {start}.");
            }

            output.Write(message, start, position - start);
        }

        return output.ToArray();
    }

    private static string NameOf(byte[] message, int nameField)
    {
        string name = string.Empty;
        Rewrite(message, (field, payload) =>
        {
            if (field == nameField)
            {
                name = System.Text.Encoding.UTF8.GetString(payload);
            }

            return payload;
        });
        return name;
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
}
