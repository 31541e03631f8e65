using System.Runtime.InteropServices;

namespace CqtMl.Onnx.Proto;

/// <summary>
/// Builds an ONNX model (opset 17, IR version 8) node by node and serialises it: named inputs and outputs with
/// symbolic dimensions, float and int64 initializers, metadata. Only what the project's graphs need.
/// </summary>
public sealed class OnnxGraph
{
    /// <summary>The ONNX element type FLOAT.</summary>
    public const int Float = 1;

    /// <summary>The ONNX element type INT64.</summary>
    public const int Int64 = 7;

    /// <summary>The ONNX element type INT8.</summary>
    public const int Int8 = 3;

    /// <summary>The ONNX element type FLOAT16.</summary>
    public const int Float16 = 10;

    /// <summary>The domain of ONNX Runtime's contrib operators (fused attention, layer norm, GELU, quantized MatMul).</summary>
    public const string MicrosoftDomain = "com.microsoft";

    private readonly List<Action<ProtoWriter>> _nodes = new();
    private readonly List<Action<ProtoWriter>> _initializers = new();
    private readonly List<Action<ProtoWriter>> _inputs = new();
    private readonly List<Action<ProtoWriter>> _outputs = new();
    private readonly HashSet<string> _domains = new();
    private int _counter;

    /// <summary>Initializes an empty graph.</summary>
    /// <param name="name">The graph's name.</param>
    public OnnxGraph(string name) => Name = name;

    /// <summary>Gets the graph's name.</summary>
    public string Name { get; }

    /// <summary>
    /// Gets or sets a value indicating whether float constants of at least <see cref="Float16StorageMinimum"/> values
    /// (weight matrices, position tables) added from now on are stored as float16, each behind a <c>Cast</c> to float32:
    /// the file is about half the size, the computation stays float32 (ONNX Runtime folds the casts when it loads the
    /// model) and each weight is rounded to 11 significant bits. Default false.
    /// </summary>
    public bool StoreWeightsAsFloat16 { get; set; }

    /// <summary>The fewest values a float constant has to be stored as float16 (<see cref="StoreWeightsAsFloat16"/>): biases, norms and scalars stay float32.</summary>
    public const int Float16StorageMinimum = 1024;

    /// <summary>Declares a graph input; dimensions are <c>long</c> (fixed) or <c>string</c> (symbolic).</summary>
    /// <param name="name">The input's name.</param>
    /// <param name="elementType">The element type.</param>
    /// <param name="dims">The dimensions.</param>
    /// <returns>The name.</returns>
    public string Input(string name, int elementType, params object[] dims)
    {
        _inputs.Add(w => ValueInfo(w, name, elementType, dims));
        return name;
    }

    /// <summary>Declares a float input that is optional: when a caller does not feed it, <paramref name="defaults"/> is used.</summary>
    /// <param name="name">The input's name.</param>
    /// <param name="defaults">The default value, row-major.</param>
    /// <param name="defaultDims">The default value's shape.</param>
    /// <param name="dims">The declared dimensions (long or symbolic string).</param>
    /// <returns>The name.</returns>
    public string OptionalInput(string name, float[] defaults, long[] defaultDims, params object[] dims)
    {
        _inputs.Add(w => ValueInfo(w, name, Float, dims));
        AddInitializer(name, Float, MemoryMarshal.AsBytes(defaults.AsSpan()).ToArray(), defaultDims);
        return name;
    }

    /// <summary>Declares a graph output: renames <paramref name="value"/> through an Identity node.</summary>
    /// <param name="name">The output's name.</param>
    /// <param name="value">The value to expose.</param>
    /// <param name="elementType">The element type.</param>
    /// <param name="dims">The dimensions.</param>
    public void Output(string name, string value, int elementType, params object[] dims)
    {
        Node("Identity", new[] { value }, name);
        _outputs.Add(w => ValueInfo(w, name, elementType, dims));
    }

    /// <summary>Adds a float initializer.</summary>
    /// <param name="values">The values, row-major.</param>
    /// <param name="dims">Its shape.</param>
    /// <returns>Its name.</returns>
    public string Constant(float[] values, params long[] dims) => Initializer(Float, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), dims);

    /// <summary>Adds an int64 initializer.</summary>
    /// <param name="values">The values, row-major.</param>
    /// <param name="dims">Its shape (empty for a scalar).</param>
    /// <returns>Its name.</returns>
    public string Constant(long[] values, params long[] dims) => Initializer(Int64, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), dims);

    /// <summary>Adds a scalar int64 initializer.</summary>
    /// <param name="value">The value.</param>
    /// <returns>Its name.</returns>
    public string Scalar(long value) => Constant(new[] { value });

    /// <summary>Adds a node with one output.</summary>
    /// <param name="op">The operator type, e.g. <c>Conv</c>.</param>
    /// <param name="inputs">Input value names (empty string for an omitted optional input).</param>
    /// <param name="output">The output name, or null for a generated one.</param>
    /// <param name="attributes">The node's attributes.</param>
    /// <returns>The output name.</returns>
    public string Node(string op, string[] inputs, string? output = null, params OnnxAttribute[] attributes) =>
        AddNode(op, string.Empty, inputs, new[] { output ?? Generated(op) }, attributes)[0];

    /// <summary>
    /// Adds a node of ONNX Runtime's contrib domain (<see cref="MicrosoftDomain"/>, opset 1) with one or more outputs;
    /// the model then imports that domain.
    /// </summary>
    /// <param name="op">The operator type, e.g. <c>Attention</c>.</param>
    /// <param name="inputs">Input value names (empty string for an omitted optional input).</param>
    /// <param name="outputs">Which outputs are used: true gets a generated name, false leaves that output out.</param>
    /// <param name="attributes">The node's attributes.</param>
    /// <returns>The output names (empty strings for outputs left out).</returns>
    public string[] ContribNode(string op, string[] inputs, bool[] outputs, params OnnxAttribute[] attributes)
    {
        _domains.Add(MicrosoftDomain);
        string[] names = outputs.Select(used => used ? Generated(op) : string.Empty).ToArray();

        // Trailing outputs left out are not written at all; inner ones keep their place with an empty name.
        int written = Array.FindLastIndex(outputs, used => used) + 1;
        AddNode(op, MicrosoftDomain, inputs, names[..written], attributes);
        return names;
    }

    /// <summary>Adds a contrib-domain node with one output (see <see cref="ContribNode(string, string[], bool[], OnnxAttribute[])"/>).</summary>
    /// <param name="op">The operator type.</param>
    /// <param name="inputs">Input value names.</param>
    /// <param name="attributes">The node's attributes.</param>
    /// <returns>The output name.</returns>
    public string ContribNode(string op, string[] inputs, params OnnxAttribute[] attributes) =>
        ContribNode(op, inputs, new[] { true }, attributes)[0];

    /// <summary>Serialises the model.</summary>
    /// <param name="metadata">Metadata properties (model kind, version, parameters).</param>
    /// <param name="opset">The default-domain opset.</param>
    /// <returns>The ONNX file's bytes.</returns>
    public byte[] ToModel(IReadOnlyDictionary<string, string>? metadata = null, int opset = 17)
    {
        var model = new ProtoWriter();
        model.Int64(1, 8);
        model.String(2, "CqtMl.MLNet");
        model.String(3, typeof(OnnxGraph).Assembly.GetName().Version?.ToString() ?? "0");
        model.Message(7, g =>
        {
            foreach (var node in _nodes)
            {
                g.Message(1, node);
            }

            g.String(2, Name);
            foreach (var initializer in _initializers)
            {
                g.Message(5, initializer);
            }

            foreach (var input in _inputs)
            {
                g.Message(11, input);
            }

            foreach (var output in _outputs)
            {
                g.Message(12, output);
            }
        });
        model.Message(8, o =>
        {
            o.String(1, string.Empty);
            o.Int64(2, opset);
        });
        foreach (string domain in _domains.Order(StringComparer.Ordinal))
        {
            model.Message(8, o =>
            {
                o.String(1, domain);
                o.Int64(2, 1);
            });
        }
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            model.Message(14, p =>
            {
                p.String(1, key);
                p.String(2, value);
            });
        }

        return model.ToArray();
    }

    /// <summary>Adds an int8 initializer (quantized weights).</summary>
    /// <param name="values">The values, row-major.</param>
    /// <param name="dims">Its shape.</param>
    /// <returns>Its name.</returns>
    public string Constant(sbyte[] values, params long[] dims) => Initializer(Int8, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), dims);

    private string Generated(string op) => $"{op.ToLowerInvariant()}_{_counter++}";

    private string[] AddNode(string op, string domain, string[] inputs, string[] outputs, OnnxAttribute[] attributes)
    {
        string nodeName = $"node_{_counter++}";
        _nodes.Add(w =>
        {
            foreach (string input in inputs)
            {
                w.String(1, input);
            }

            foreach (string output in outputs)
            {
                w.String(2, output);
            }

            w.String(3, nodeName);
            w.String(4, op);
            foreach (OnnxAttribute attribute in attributes)
            {
                w.Message(5, attribute.Write);
            }

            if (domain.Length > 0)
            {
                w.String(7, domain);
            }
        });
        return outputs;
    }

    private string Initializer(int type, byte[] raw, long[] dims)
    {
        string name = $"const_{_counter++}";
        if (type == Float && StoreWeightsAsFloat16 && raw.Length / sizeof(float) >= Float16StorageMinimum)
        {
            ReadOnlySpan<float> values = MemoryMarshal.Cast<byte, float>(raw);
            var half = new Half[values.Length];
            for (int i = 0; i < half.Length; i++)
            {
                half[i] = (Half)values[i];
            }

            AddInitializer(name, Float16, MemoryMarshal.AsBytes(half.AsSpan()).ToArray(), dims);
            return Node("Cast", new[] { name }, attributes: OnnxAttribute.Int("to", Float));
        }

        AddInitializer(name, type, raw, dims);
        return name;
    }

    private void AddInitializer(string name, int type, byte[] raw, long[] dims)
    {
        _initializers.Add(t =>
        {
            t.PackedInt64(1, dims);
            t.Int64(2, type);
            t.String(8, name);
            t.Bytes(9, raw);
        });
    }

    private static void ValueInfo(ProtoWriter w, string name, int elementType, object[] dims)
    {
        w.String(1, name);
        w.Message(2, type => type.Message(1, tensor =>
        {
            tensor.Int64(1, elementType);
            tensor.Message(2, shape =>
            {
                foreach (object dim in dims)
                {
                    shape.Message(1, d =>
                    {
                        if (dim is string symbol)
                        {
                            d.String(2, symbol);
                        }
                        else
                        {
                            d.Int64(1, Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture));
                        }
                    });
                }
            });
        }));
    }
}
