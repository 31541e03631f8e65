namespace CqtMl.Onnx.Proto;

/// <summary>A node attribute: an int, ints, float or string.</summary>
public sealed class OnnxAttribute
{
    private readonly Action<ProtoWriter> _write;

    private OnnxAttribute(Action<ProtoWriter> write) => _write = write;

    /// <summary>An integer attribute.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttribute Int(string name, long value) => new(w =>
    {
        w.String(1, name);
        w.Int64(3, value);
        w.Int64(20, 2);
    });

    /// <summary>An integer list attribute.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="values">The values.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttribute Ints(string name, params long[] values) => new(w =>
    {
        w.String(1, name);
        w.PackedInt64(8, values);
        w.Int64(20, 7);
    });

    /// <summary>A float attribute.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttribute Float(string name, float value) => new(w =>
    {
        w.String(1, name);
        w.Float(2, value);
        w.Int64(20, 1);
    });

    /// <summary>A string attribute.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttribute String(string name, string value) => new(w =>
    {
        w.String(1, name);
        w.Bytes(4, System.Text.Encoding.UTF8.GetBytes(value));
        w.Int64(20, 3);
    });

    internal void Write(ProtoWriter writer) => _write(writer);
}
