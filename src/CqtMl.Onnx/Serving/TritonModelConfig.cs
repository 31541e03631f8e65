using System.Globalization;
using System.Text;
using CqtMl.Onnx.Proto;

namespace CqtMl.Onnx.Serving;

/// <summary>
/// The <c>config.pbtxt</c> of one ONNX model for Triton's ONNX Runtime backend, from the model's own signature: every
/// input and output with its name, data type and dimensions (-1 where the model's dimension is dynamic), inputs with a
/// default marked optional. When every input and output starts with a dynamic dimension, that dimension is Triton's
/// batch dimension (left out of <c>dims</c>) and requests are batched dynamically; otherwise the model is served unbatched
/// (<c>max_batch_size: 0</c>) with its full shapes.
/// </summary>
public static class TritonModelConfig
{
    /// <summary>Writes the configuration text.</summary>
    /// <param name="name">The model's name in the repository (its folder's name).</param>
    /// <param name="inputs">The ONNX model's inputs (<see cref="OnnxSignature.Read"/>).</param>
    /// <param name="outputs">Its outputs.</param>
    /// <param name="maxBatchSize">The largest batch Triton may form, when the model can be batched.</param>
    /// <returns>The text and whether requests are batched.</returns>
    public static (string Text, bool Batched) Create(string name, IReadOnlyList<OnnxTensorInfo> inputs, IReadOnlyList<OnnxTensorInfo> outputs, int maxBatchSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatchSize);
        bool batched = inputs.Concat(outputs).All(t => t.Dims.Count >= 1 && t.Dims[0] is null);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"name: \"{name}\"\n");
        text.Append(CultureInfo.InvariantCulture, $"platform: \"{TritonConstants.Platform}\"\n");
        text.Append(CultureInfo.InvariantCulture, $"max_batch_size: {(batched ? maxBatchSize : 0)}\n");
        Tensors(text, "input", inputs, batched, isInput: true);
        Tensors(text, "output", outputs, batched, isInput: false);
        if (batched)
        {
            text.Append("dynamic_batching { }\n");
        }

        return (text.ToString(), batched);
    }

    private static void Tensors(StringBuilder text, string kind, IReadOnlyList<OnnxTensorInfo> tensors, bool batched, bool isInput)
    {
        text.Append(CultureInfo.InvariantCulture, $"{kind} [\n");
        for (int i = 0; i < tensors.Count; i++)
        {
            OnnxTensorInfo t = tensors[i];
            IEnumerable<long?> dims = batched ? t.Dims.Skip(1) : t.Dims;
            string shape = string.Join(", ", dims.Select(d => (d ?? -1).ToString(CultureInfo.InvariantCulture)));

            // Triton needs at least one dimension: a scalar is declared [1] and reshaped to [].
            string reshape = shape.Length == 0 ? " reshape: { shape: [ ] }" : string.Empty;
            string optional = isInput && t.HasDefault ? " optional: true" : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"  {{ name: \"{t.Name}\" data_type: {TritonConstants.DataType(t.ElementType)} dims: [ {(shape.Length == 0 ? "1" : shape)} ]{reshape}{optional} }}{(i + 1 < tensors.Count ? "," : string.Empty)}\n");
        }

        text.Append("]\n");
    }
}
