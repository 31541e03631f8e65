using System.Text;

namespace CqtMl.Onnx.Proto;

/// <summary>
/// Reads the inputs and outputs an ONNX file declares (names, element types, static and dynamic dimensions, optional
/// inputs) from its protobuf, without ONNX Runtime.
/// </summary>
public static class OnnxSignature
{
    private const int ModelGraph = 7, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12, TensorName = 8;
    private const int ValueInfoName = 1, ValueInfoType = 2, TypeTensor = 1, TensorElemType = 1, TensorShape = 2, ShapeDim = 1, DimValue = 1, DimParam = 2;

    /// <summary>Reads the graph's inputs and outputs.</summary>
    /// <param name="model">The model's bytes.</param>
    /// <returns>The inputs (in declaration order) and outputs.</returns>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model with a graph of tensor inputs and outputs.</exception>
    public static (IReadOnlyList<OnnxTensorInfo> Inputs, IReadOnlyList<OnnxTensorInfo> Outputs) Read(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        OnnxModelEditor.ProtoField graphField = OnnxModelEditor.Fields(model).LastOrDefault(f => f.Number == ModelGraph && f.WireType == 2);
        if (graphField.End == 0)
        {
            throw new InvalidDataException("Not an ONNX model: no graph.");
        }

        byte[] graph = graphField.Payload(model);
        List<OnnxModelEditor.ProtoField> fields = OnnxModelEditor.Fields(graph);
        var initializers = fields.Where(f => f.Number == GraphInitializer && f.WireType == 2)
            .Select(f => Text(f.Payload(graph), TensorName))
            .ToHashSet(StringComparer.Ordinal);
        var inputs = fields.Where(f => f.Number == GraphInput && f.WireType == 2).Select(f => Info(f.Payload(graph), initializers)).ToList();
        var outputs = fields.Where(f => f.Number == GraphOutput && f.WireType == 2).Select(f => Info(f.Payload(graph), initializers)).ToList();
        return (inputs, outputs);
    }

    private static OnnxTensorInfo Info(byte[] valueInfo, HashSet<string> initializers)
    {
        string name = Text(valueInfo, ValueInfoName);
        byte[] type = Message(valueInfo, ValueInfoType) ?? throw new InvalidDataException($"ONNX value '{name}' has no type.");
        byte[] tensor = Message(type, TypeTensor) ?? throw new InvalidDataException($"ONNX value '{name}' is not a tensor.");
        int elementType = (int)OnnxModelEditor.Fields(tensor).Where(f => f.Number == TensorElemType && f.WireType == 0).Select(f => f.Varint).LastOrDefault();
        var dims = new List<long?>();
        if (Message(tensor, TensorShape) is byte[] shape)
        {
            foreach (OnnxModelEditor.ProtoField dim in OnnxModelEditor.Fields(shape).Where(f => f.Number == ShapeDim && f.WireType == 2))
            {
                List<OnnxModelEditor.ProtoField> parts = OnnxModelEditor.Fields(dim.Payload(shape));
                OnnxModelEditor.ProtoField value = parts.LastOrDefault(p => p.Number == DimValue && p.WireType == 0);
                dims.Add(value.End > 0 ? (long)value.Varint : null);
            }
        }

        return new OnnxTensorInfo(name, elementType, dims, initializers.Contains(name));
    }

    private static byte[]? Message(byte[] message, int number)
    {
        OnnxModelEditor.ProtoField field = OnnxModelEditor.Fields(message).LastOrDefault(f => f.Number == number && f.WireType == 2);
        return field.End > 0 ? field.Payload(message) : null;
    }

    private static string Text(byte[] message, int number) => Message(message, number) is byte[] bytes ? Encoding.UTF8.GetString(bytes) : string.Empty;
}
