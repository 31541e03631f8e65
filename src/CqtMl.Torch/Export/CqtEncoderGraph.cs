using CqtMl.Onnx.Proto;
using CqtMl.Torch.Generator;
using static TorchSharp.torch;

namespace CqtMl.Torch.Export;

/// <summary>
/// Writes the CQT encoder of a <see cref="CqtVisionTransformer"/> (<see cref="CqtVisionTransformer.Encode"/>) into an
/// ONNX graph: log compression, padding of T to a multiple of 4, harmonic stacking, patch embedding, frequency and time
/// positions, the blocks and the final norm. The generator's and the reward model's exporters share it.
/// </summary>
internal static class CqtEncoderGraph
{
    /// <summary>Writes the encoder.</summary>
    /// <param name="g">The graph.</param>
    /// <param name="input">The CQT input <c>[B, 2, bins, T]</c>.</param>
    /// <param name="weights">The encoder's parameters by their names inside the encoder (patch_embed.weight, blocks.0..., norm.weight).</param>
    /// <param name="config">The encoder's architecture.</param>
    /// <param name="options">Operators and weight precision.</param>
    /// <param name="dropoutMask">The MLP mask input or constant <c>[depth, B, N, mlp]</c> (or broadcastable).</param>
    /// <returns>The normalised tokens <c>[B, F x Tt, D]</c> and T as a 1-element int64 tensor.</returns>
    public static (string Tokens, string Frames) Write(OnnxGraph g, string input, IReadOnlyDictionary<string, Tensor> weights, GeneratorConfig config, GeneratorExportOptions options, string dropoutMask)
    {
        int d = config.EmbedDim, f = config.FrequencyTokens;

        // log(1 + gain x), then zero-pad the time axis to a multiple of 4.
        string scaled = g.Node("Mul", new[] { input, g.Constant(new[] { (float)config.InputGain }, 1) });
        string h = g.Node("Log", new[] { g.Node("Add", new[] { scaled, g.Constant(new[] { 1f }, 1) }) });
        string shape = g.Node("Shape", new[] { input });
        string t = g.Node("Gather", new[] { shape, g.Constant(new long[] { 3 }, 1) }, attributes: OnnxAttribute.Int("axis", 0));
        string four = g.Constant(new long[] { GeneratorConfig.TimePatch }, 1);
        string pad = g.Node("Mod", new[] { g.Node("Sub", new[] { four, g.Node("Mod", new[] { t, four }) }), four });
        string pads = g.Node("Concat", new[] { g.Constant(new long[] { 0, 0, 0, 0, 0, 0, 0 }, 7), pad }, attributes: OnnxAttribute.Int("axis", 0));
        h = g.Node("Pad", new[] { h, pads });
        if (config.HarmonicStacking)
        {
            h = StackHarmonics(g, h, config);
        }

        // Patch embedding: [B, D, F, Tt] -> [B, F, Tt, D] + positions -> [B, F * Tt, D].
        string tokens = g.Node("Conv", new[] { h, OnnxWeights.Float(g, weights["patch_embed.weight"]), OnnxWeights.Float(g, weights["patch_embed.bias"]) }, attributes: OnnxAttribute.Ints("strides", config.FrequencyPatch, GeneratorConfig.TimePatch));
        string timeTokens = g.Node("Gather", new[] { g.Node("Shape", new[] { tokens }), g.Constant(new long[] { 3 }, 1) }, attributes: OnnxAttribute.Int("axis", 0));
        tokens = g.Node("Transpose", new[] { tokens }, attributes: OnnxAttribute.Ints("perm", 0, 2, 3, 1));
        string freq = g.Node("Reshape", new[] { OnnxWeights.Float(g, weights["pos_embed_freq"]), g.Constant(new long[] { 1, f, 1, d }, 4) });
        string time;
        if (config.Positions == GeneratorPositions.Sliced)
        {
            time = g.Node("Slice", new[] { OnnxWeights.Float(g, weights["pos_embed_time"]), g.Constant(new long[] { 0 }, 1), timeTokens, g.Constant(new long[] { 0 }, 1) });
        }
        else
        {
            // [L, D] -> [1, D, L] -> Resize to [1, D, Tt] (linear, half_pixel: PyTorch keeps the half-pixel rule even for one output) -> [Tt, D].
            string grid = g.Node("Unsqueeze", new[] { OnnxWeights.Float(g, weights["pos_embed_time"], transpose: true), g.Constant(new long[] { 0 }, 1) });
            string sizes = g.Node("Concat", new[] { g.Constant(new long[] { 1, d }, 2), timeTokens }, attributes: OnnxAttribute.Int("axis", 0));
            string resized = g.Node("Resize", new[] { grid, string.Empty, string.Empty, sizes }, attributes: new[] { OnnxAttribute.String("mode", "linear"), OnnxAttribute.String("coordinate_transformation_mode", "half_pixel") });
            time = g.Node("Transpose", new[] { g.Node("Squeeze", new[] { resized, g.Constant(new long[] { 0 }, 1) }) }, attributes: OnnxAttribute.Ints("perm", 1, 0));
        }

        time = g.Node("Unsqueeze", new[] { time, g.Constant(new long[] { 0, 1 }, 2) });
        tokens = g.Node("Add", new[] { g.Node("Add", new[] { tokens, freq }), time });
        tokens = g.Node("Reshape", new[] { tokens, g.Constant(new long[] { 0, -1, d }, 3) });
        return (new TransformerGraph(g, weights, config, options).Write(tokens, dropoutMask), t);
    }

    /// <summary>The model's harmonic stacking: zero-pad the bin axis, slice one shifted copy per shift, concatenate the channels.</summary>
    private static string StackHarmonics(OnnxGraph g, string h, GeneratorConfig config)
    {
        IReadOnlyList<int> shifts = config.HarmonicShifts;
        int below = Math.Max(0, -shifts.Min()), above = Math.Max(0, shifts.Max());
        string wide = g.Node("Pad", new[] { h, g.Constant(new long[] { 0, 0, below, 0, 0, 0, above, 0 }, 8) });
        string[] copies = shifts.Select(s => g.Node("Slice", new[] { wide, g.Constant(new long[] { below + s }, 1), g.Constant(new long[] { below + s + config.Bins }, 1), g.Constant(new long[] { 2 }, 1) })).ToArray();
        return g.Node("Concat", copies, attributes: OnnxAttribute.Int("axis", 1));
    }
}
