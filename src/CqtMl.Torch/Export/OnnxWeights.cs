using CqtMl.Onnx.Proto;
using static TorchSharp.torch;

namespace CqtMl.Torch.Export;

/// <summary>Turns TorchSharp parameters into ONNX initializers (float32, or int8 with per-column scales).</summary>
internal static class OnnxWeights
{
    /// <summary>
    /// The largest magnitude of a quantized weight: 7 bits ("reduce range"), not 127. ONNX Runtime's MLAS runs
    /// <c>DynamicQuantizeMatMul</c> (uint8 activations a, int8 weights w) on CPUs with AVX2 but without VNNI through
    /// <c>vpmaddubsw</c>, which adds the products of two neighbouring k into a saturating int16: with w up to 127 the
    /// pair sum 2 x 255 x 127 = 64,770 overflows 32,767 and the result is clipped (relative L2 of the logits 7e-2 there,
    /// 2e-3 on VNNI CPUs). With |w| &lt;= 63 the pair sum is at most 2 x 255 x 63 = 32,130, so every kernel (SSE4.1, AVX2,
    /// AVX-512, VNNI, AMX) computes the same exact integer sums and the model gives the same results on every x86-64 CPU.
    /// </summary>
    public const int Int8WeightLimit = 63;

    /// <summary>Adds a parameter as a float32 initializer, optionally transposed (a Linear weight [out, in] becomes [in, out]).</summary>
    public static string Float(OnnxGraph g, Tensor tensor, bool transpose = false)
    {
        using var scope = NewDisposeScope();
        Tensor source = transpose ? tensor.detach().t().contiguous() : tensor.detach().contiguous();
        return g.Constant(source.cpu().to_type(ScalarType.Float32).data<float>().ToArray(), source.shape);
    }

    /// <summary>
    /// Quantizes a Linear weight <c>[out, in]</c> symmetrically to int8, one scale per output column of the transposed
    /// <c>[in, out]</c> matrix (max |w| maps to <see cref="Int8WeightLimit"/>), and adds the int8 matrix and the scales as
    /// initializers.
    /// </summary>
    public static (string Weights, string Scales) Int8Columns(OnnxGraph g, Tensor weight)
    {
        float[] w;
        int outputs, inputs;
        using (NewDisposeScope())
        {
            Tensor source = weight.detach().cpu().to_type(ScalarType.Float32).contiguous();
            (outputs, inputs) = ((int)source.shape[0], (int)source.shape[1]);
            w = source.data<float>().ToArray();
        }

        (sbyte[] quantized, float[] scales) = QuantizeColumns(w, outputs, inputs);
        return (g.Constant(quantized, inputs, outputs), g.Constant(scales, outputs));
    }

    /// <summary>
    /// Quantizes a row-major Linear weight <c>[outputs, inputs]</c> to the int8 matrix <c>[inputs, outputs]</c> (its
    /// transpose) with one symmetric scale per output: <c>w ~ q x scale</c>, |q| &lt;= <see cref="Int8WeightLimit"/>.
    /// </summary>
    public static (sbyte[] Quantized, float[] Scales) QuantizeColumns(ReadOnlySpan<float> w, int outputs, int inputs)
    {
        var quantized = new sbyte[inputs * outputs];
        var scales = new float[outputs];
        for (int o = 0; o < outputs; o++)
        {
            float max = 0;
            for (int i = 0; i < inputs; i++)
            {
                max = Math.Max(max, Math.Abs(w[(o * inputs) + i]));
            }

            float scale = max > 0 ? max / Int8WeightLimit : 1f;
            scales[o] = scale;
            for (int i = 0; i < inputs; i++)
            {
                quantized[(i * outputs) + o] = (sbyte)Math.Clamp(MathF.Round(w[(o * inputs) + i] / scale), -Int8WeightLimit, Int8WeightLimit);
            }
        }

        return (quantized, scales);
    }
}
