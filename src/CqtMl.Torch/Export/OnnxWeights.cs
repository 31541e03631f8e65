using CqtMl.Onnx.Proto;
using static TorchSharp.torch;

namespace CqtMl.Torch.Export;

/// <summary>Turns TorchSharp parameters into ONNX initializers (float32, or int8 with per-column scales).</summary>
internal static class OnnxWeights
{
    /// <summary>Adds a parameter as a float32 initializer, optionally transposed (a Linear weight [out, in] becomes [in, out]).</summary>
    public static string Float(OnnxGraph g, Tensor tensor, bool transpose = false)
    {
        using var scope = NewDisposeScope();
        Tensor source = transpose ? tensor.detach().t().contiguous() : tensor.detach().contiguous();
        return g.Constant(source.cpu().to_type(ScalarType.Float32).data<float>().ToArray(), source.shape);
    }

    /// <summary>
    /// Quantizes a Linear weight <c>[out, in]</c> symmetrically to int8, one scale per output column of the transposed
    /// <c>[in, out]</c> matrix (max |w| maps to 127), and adds the int8 matrix and the scales as initializers.
    /// </summary>
    public static (string Weights, string Scales) Int8Columns(OnnxGraph g, Tensor weight)
    {
        float[] w;
        long outputs, inputs;
        using (NewDisposeScope())
        {
            Tensor source = weight.detach().cpu().to_type(ScalarType.Float32).contiguous();
            (outputs, inputs) = (source.shape[0], source.shape[1]);
            w = source.data<float>().ToArray();
        }

        var quantized = new sbyte[inputs * outputs];
        var scales = new float[outputs];
        for (long o = 0; o < outputs; o++)
        {
            float max = 0;
            for (long i = 0; i < inputs; i++)
            {
                max = Math.Max(max, Math.Abs(w[(o * inputs) + i]));
            }

            float scale = max > 0 ? max / 127f : 1f;
            scales[o] = scale;
            for (long i = 0; i < inputs; i++)
            {
                quantized[(i * outputs) + o] = (sbyte)Math.Clamp(MathF.Round(w[(o * inputs) + i] / scale), -127, 127);
            }
        }

        return (g.Constant(quantized, inputs, outputs), g.Constant(scales, outputs));
    }
}
