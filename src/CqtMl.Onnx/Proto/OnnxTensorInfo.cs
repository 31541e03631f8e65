namespace CqtMl.Onnx.Proto;

/// <summary>One input or output of an ONNX graph as the file declares it.</summary>
/// <param name="Name">The name.</param>
/// <param name="ElementType">The ONNX element type (1 float, 7 int64, 10 float16, ...; see <see cref="OnnxGraph"/>).</param>
/// <param name="Dims">The dimensions: a size, or null for a named (dynamic) one.</param>
/// <param name="HasDefault">Whether an initializer gives the input a default (the input is optional).</param>
public sealed record OnnxTensorInfo(string Name, int ElementType, IReadOnlyList<long?> Dims, bool HasDefault);
