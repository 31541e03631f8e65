namespace CqtMl.Torch.Export;

/// <summary>Which operators the exported generator graph uses for its transformer blocks.</summary>
public enum GeneratorOperators
{
    /// <summary>
    /// ONNX Runtime's fused contrib operators (domain <c>com.microsoft</c>) <c>MultiHeadAttention</c> (q, k, v biases,
    /// scaled dot products, softmax and mixing in one kernel, after three q, k, v products) and <c>BiasGelu</c>. For ONNX
    /// Runtime (CPU and CUDA); other runtimes cannot load it. The default.
    /// </summary>
    Fused = 0,

    /// <summary>Standard ONNX operators only (MatMul, Softmax, LayerNormalization, Erf): portable to any ONNX runtime.</summary>
    Standard = 1,
}

/// <summary>Options of <see cref="GeneratorOnnxExporter"/>.</summary>
public sealed record GeneratorExportOptions
{
    /// <summary>Gets the operator set of the transformer blocks. Default <see cref="GeneratorOperators.Fused"/>.</summary>
    public GeneratorOperators Operators { get; init; } = GeneratorOperators.Fused;

    /// <summary>
    /// Gets a value indicating whether the transformer's linear layers are stored as int8 weights with one scale per
    /// output column and run by ONNX Runtime's <c>DynamicQuantizeMatMul</c> (activations quantized to uint8 per call:
    /// dynamic quantization). The tiny model shrinks from 25.2 to 9.4 MB; the accuracy change is in docs/benchmarks.md.
    /// The patch embedding, position tables, norms and head stay float32. Default false.
    /// </summary>
    public bool QuantizeWeights { get; init; }

    /// <summary>
    /// Gets a value indicating whether weight matrices and position tables are stored as float16 (each cast to float32
    /// in the graph, <see cref="Onnx.Proto.OnnxGraph.StoreWeightsAsFloat16"/>): half the file size for a relative
    /// change of the outputs of about 1e-3; a demo reward model shrinks from 7.1 to 3.6 MB. Default false.
    /// </summary>
    public bool Float16Weights { get; init; }
}
