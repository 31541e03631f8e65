using System.Globalization;
using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Cqt;
using CqtMl.Onnx.Generation;
using CqtMl.Onnx.Proto;
using CqtMl.Torch.Generator;
using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Torch.Export;

/// <summary>
/// Writes a <see cref="CqtVisionTransformer"/> as one ONNX graph (opset 17): input <c>cqt</c> <c>[batch, 2, bins,
/// frames]</c>; optional inputs <c>gumbel</c> (noise shaped like the logits; default 0), <c>temperature</c>
/// (<c>[1]</c>; default 1) and <c>dropout_mask</c> (<c>[depth, batch, tokens, mlp]</c>; default 1); outputs
/// <c>logits</c> <c>[batch, 4, K, frames]</c> and <c>controls</c> <c>[batch, 4, frames]</c> = argmax(logits /
/// temperature + gumbel) / (K - 1). Dynamic batch and time axes; the same computation as the TorchSharp forward pass
/// in evaluation mode (log compression, padding to a multiple of 4, cropping included). TorchSharp has no ONNX export;
/// this exporter builds the graph operator by operator from the module's named parameters.
/// </summary>
public static class GeneratorOnnxExporter
{
    /// <summary>The model kind written to the metadata.</summary>
    public const string Kind = GeneratorContract.Kind;

    /// <summary>The exporter's graph version, written to the metadata.</summary>
    public const string Version = "2";

    /// <summary>Exports the model.</summary>
    /// <param name="model">The generator (its weights are read, its mode is not changed).</param>
    /// <param name="cqt">The CQT parameters the model expects, recorded in the metadata.</param>
    /// <param name="preset">A preset name for the metadata (for example "demo" or "tiny").</param>
    /// <param name="options">Operators and weight precision; null for the defaults (fused operators, float32).</param>
    /// <returns>The ONNX file's bytes.</returns>
    public static byte[] Export(CqtVisionTransformer model, CqtOptions cqt, string preset, GeneratorExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(cqt);
        ArgumentException.ThrowIfNullOrWhiteSpace(preset);
        options ??= new GeneratorExportOptions();
        GeneratorConfig config = model.Config;
        var weights = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        int d = config.EmbedDim, f = config.FrequencyTokens, k = config.Levels, heads = config.Heads;
        var g = new OnnxGraph("cqt_generator");
        string input = g.Input(GeneratorContract.CqtInput, OnnxGraph.Float, "batch", (long)GeneratorConfig.InputChannels, (long)config.Bins, "frames");

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

        // Inference-time dropout: a mask [depth, batch, tokens, mlp] of 0 and 1 / (1 - p) on every block's MLP hidden
        // units; the default (ones) leaves the network deterministic.
        string dropoutMask = g.OptionalInput(GeneratorContract.DropoutMaskInput, Enumerable.Repeat(1f, config.Depth).ToArray(), new long[] { config.Depth, 1, 1, 1 }, (long)config.Depth, "mask_batch", "mask_tokens", "mask_hidden");
        string final = new TransformerGraph(g, weights, config, options).Write(tokens, dropoutMask);

        // Head: mean over frequency tokens, K levels x 4 controls x 4 frames per time token, crop to T.
        string pooled = g.Node("ReduceMean", new[] { g.Node("Reshape", new[] { final, g.Constant(new long[] { 0, f, -1, d }, 4) }) }, attributes: new[] { OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 0) });
        string logits = Linear(g, pooled, weights["head.weight"], weights["head.bias"]);
        logits = g.Node("Reshape", new[] { logits, g.Constant(new long[] { 0, -1, GeneratorConfig.Controls, k, GeneratorConfig.TimePatch }, 5) });
        logits = g.Node("Transpose", new[] { logits }, attributes: OnnxAttribute.Ints("perm", 0, 2, 3, 1, 4));
        logits = g.Node("Reshape", new[] { logits, g.Constant(new long[] { 0, GeneratorConfig.Controls, k, -1 }, 4) });
        logits = g.Node("Slice", new[] { logits, g.Constant(new long[] { 0 }, 1), t, g.Constant(new long[] { 3 }, 1) });
        g.Output(GeneratorContract.LogitsOutput, logits, OnnxGraph.Float, "batch", (long)GeneratorConfig.Controls, (long)k, "frames");

        // Controls: argmax of logits / temperature + Gumbel noise (optional inputs; defaults 1 and 0 = deterministic).
        string gumbel = g.OptionalInput(GeneratorContract.GumbelInput, new[] { 0f }, new long[] { 1, 1, 1, 1 }, "noise_batch", "noise_controls", "noise_levels", "noise_frames");
        string temperature = g.OptionalInput(GeneratorContract.TemperatureInput, new[] { 1f }, new long[] { 1 }, 1L);
        string perturbed = g.Node("Add", new[] { g.Node("Div", new[] { logits, temperature }), gumbel });
        string level = g.Node("Cast", new[] { g.Node("ArgMax", new[] { perturbed }, attributes: new[] { OnnxAttribute.Int("axis", 2), OnnxAttribute.Int("keepdims", 0) }) }, attributes: OnnxAttribute.Int("to", OnnxGraph.Float));
        string controls = g.Node("Div", new[] { level, g.Constant(new[] { (float)(k - 1) }, 1) });
        g.Output(GeneratorContract.ControlsOutput, controls, OnnxGraph.Float, "batch", (long)GeneratorConfig.Controls, "frames");

        Dictionary<string, string> metadata = CqtMetadata.Write(cqt);
        metadata[GeneratorContract.KindKey] = Kind;
        metadata[GeneratorContract.VersionKey] = Version;
        metadata[GeneratorContract.PresetKey] = preset;
        metadata[GeneratorContract.TokenizerKey] = config.Tokenizer.ToString().ToLowerInvariant();
        metadata[GeneratorContract.PositionsKey] = config.Positions.ToString().ToLowerInvariant();
        metadata[GeneratorContract.HarmonicShiftsKey] = string.Join(",", config.HarmonicShifts);
        metadata[GeneratorContract.EmbedDimKey] = d.ToString(CultureInfo.InvariantCulture);
        metadata[GeneratorContract.DepthKey] = config.Depth.ToString(CultureInfo.InvariantCulture);
        metadata[GeneratorContract.HeadsKey] = heads.ToString(CultureInfo.InvariantCulture);
        metadata[GeneratorContract.MlpDimKey] = config.MlpDim.ToString(CultureInfo.InvariantCulture);
        metadata[GeneratorContract.FrequencyTokensKey] = f.ToString(CultureInfo.InvariantCulture);
        metadata[GeneratorContract.LevelsKey] = k.ToString(CultureInfo.InvariantCulture);
        metadata[GeneratorContract.InputGainKey] = config.InputGain.ToString("R", CultureInfo.InvariantCulture);
        metadata[GeneratorContract.OperatorsKey] = options.Operators.ToString().ToLowerInvariant();
        metadata[GeneratorContract.WeightsKey] = options.QuantizeWeights ? "int8" : "float32";
        return g.ToModel(metadata);
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

    private static string Linear(OnnxGraph g, string x, Tensor weight, Tensor bias) =>
        g.Node("Add", new[] { g.Node("MatMul", new[] { x, OnnxWeights.Float(g, weight, transpose: true) }), OnnxWeights.Float(g, bias) });
}
