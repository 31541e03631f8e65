using System.Globalization;
using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Cqt;
using CqtMl.Onnx.Proto;
using CqtMl.Onnx.Reward;
using CqtMl.Preferences.Judges;
using CqtMl.Torch.Generator;
using CqtMl.Torch.Reward;
using static TorchSharp.torch;

namespace CqtMl.Torch.Export;

/// <summary>
/// Writes a <see cref="RewardModel"/> as one ONNX graph (opset 17): inputs <c>cqt</c> <c>[batch, 2, bins, frames]</c>
/// and <c>controls</c> <c>[batch, 4, frames]</c>, output <c>reward</c> <c>[batch]</c>, dynamic batch and time axes,
/// the same computation as the TorchSharp forward pass in evaluation mode (see <see cref="RewardContract"/>).
/// </summary>
public static class RewardOnnxExporter
{
    /// <summary>The exporter's graph version, written to the metadata.</summary>
    public const string Version = "6";

    /// <summary>Exports the model.</summary>
    /// <param name="model">The reward model (its weights are read, its mode is not changed).</param>
    /// <param name="cqt">The CQT parameters the model expects, recorded in the metadata.</param>
    /// <param name="preset">A preset name for the metadata.</param>
    /// <param name="options">Operators and weight storage; null for the defaults (fused operators, float32).</param>
    /// <returns>The ONNX file's bytes.</returns>
    public static byte[] Export(RewardModel model, CqtOptions cqt, string preset, GeneratorExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(cqt);
        ArgumentException.ThrowIfNullOrWhiteSpace(preset);
        options ??= new GeneratorExportOptions();
        RewardConfig config = model.Config;
        GeneratorConfig encoder = config.Encoder;
        if (cqt.BinCount != encoder.Bins || cqt.BinsPerOctave != encoder.BinsPerOctave || Math.Abs(cqt.FMin - config.Fmin) > 1e-9 * config.Fmin)
        {
            throw new ArgumentException($"The CQT ({cqt.BinCount} bins, {cqt.BinsPerOctave} per octave, fmin {cqt.FMin} Hz) is not the model's ({encoder.Bins}, {encoder.BinsPerOctave}, {config.Fmin} Hz).", nameof(cqt));
        }

        var weights = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        int d = config.EmbedDim, f = encoder.FrequencyTokens;
        var g = new OnnxGraph("cqt_reward") { StoreWeightsAsFloat16 = options.Float16Weights };
        string cqtInput = g.Input(RewardContract.CqtInput, OnnxGraph.Float, "batch", (long)RewardContract.InputChannels, (long)encoder.Bins, "frames");
        string controls = g.Input(RewardContract.ControlsInput, OnnxGraph.Float, "batch", (long)RewardContract.Registers, "frames");

        // The CQT encoder (no dropout at inference: a mask of ones).
        string noDropout = g.Constant(Enumerable.Repeat(1f, Math.Max(encoder.Depth, config.ControlDepth)).ToArray(), Math.Max(encoder.Depth, config.ControlDepth), 1, 1, 1);
        (string cqtTokens, string t) = CqtEncoderGraph.Write(g, cqtInput, Prefixed(weights, "cqt_encoder."), encoder, options, noDropout);
        string cqtTime = g.Node("ReduceMean", new[] { g.Node("Reshape", new[] { cqtTokens, g.Constant(new long[] { 0, f, -1, d }, 4) }) }, attributes: new[] { OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 0) });
        string timeTokens = g.Node("Gather", new[] { g.Node("Shape", new[] { cqtTime }), g.Constant(new long[] { 1 }, 1) }, attributes: OnnxAttribute.Int("axis", 0));

        // Per frame: levels, |change|, change > 0, the projected log spectrum, the onset timing and the register energies and distances [B, 32, T], padded to 4 Tt frames, 128 values per time token.
        string ones = g.Constant(new long[] { 1 }, 1), zero = g.Constant(new long[] { 0 }, 1), two = g.Constant(new long[] { 2 }, 1);
        string later = g.Node("Slice", new[] { controls, ones, t, two });
        string earlier = g.Node("Slice", new[] { controls, zero, g.Node("Sub", new[] { t, ones }), two });
        string change = g.Node("Pad", new[] { g.Node("Abs", new[] { g.Node("Sub", new[] { later, earlier }) }), g.Constant(new long[] { 0, 0, 1, 0, 0, 0 }, 6) });
        string padding = g.Node("Sub", new[] { g.Node("Mul", new[] { timeTokens, g.Constant(new long[] { GeneratorConfig.TimePatch }, 1) }), t });
        string changed = g.Node("Cast", new[] { g.Node("Greater", new[] { change, g.Constant(new[] { 0f }, 1) }) }, attributes: OnnxAttribute.Int("to", OnnxGraph.Float));
        string channelMean = g.Node("ReduceMean", new[] { cqtInput }, attributes: new[] { OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 0) });
        string logSpectrum = g.Node("Log", new[] { g.Node("Add", new[] { g.Node("Mul", new[] { channelMean, g.Constant(new[] { (float)encoder.InputGain }, 1) }), g.Constant(new[] { 1f }, 1) }) });
        string music = g.Node("Transpose", new[] { logSpectrum }, attributes: OnnxAttribute.Ints("perm", 0, 2, 1));
        music = g.Node("Transpose", new[] { GeneratorOnnxExporter.Linear(g, music, weights["controls_encoder.spectrum.weight"], weights["controls_encoder.spectrum.bias"]) }, attributes: OnnxAttribute.Ints("perm", 0, 2, 1));
        string features = g.Node("Concat", new[] { controls, change, changed, music, OnsetTiming(g, logSpectrum, changed, t), RegisterEnergy(g, controls, logSpectrum, config) }, attributes: OnnxAttribute.Int("axis", 1));
        string padded = g.Node("Pad", new[] { features, g.Node("Concat", new[] { g.Constant(new long[] { 0, 0, 0, 0, 0 }, 5), padding }, attributes: OnnxAttribute.Int("axis", 0)) });
        string tokens = g.Node("Reshape", new[] { padded, g.Constant(new long[] { 0, RewardConfig.FrameFeatures, -1, GeneratorConfig.TimePatch }, 4) });
        tokens = g.Node("Transpose", new[] { tokens }, attributes: OnnxAttribute.Ints("perm", 0, 2, 1, 3));
        tokens = g.Node("Reshape", new[] { tokens, g.Constant(new long[] { 0, -1, RewardConfig.FrameFeatures * GeneratorConfig.TimePatch }, 3) });
        tokens = GeneratorOnnxExporter.Linear(g, tokens, weights["controls_encoder.embed.weight"], weights["controls_encoder.embed.bias"]);
        string positions = g.Node("Slice", new[] { OnnxWeights.Float(g, weights["controls_encoder.pos_embed_time"]), zero, timeTokens, zero });
        tokens = g.Node("Add", new[] { g.Node("Add", new[] { tokens, positions }), GeneratorOnnxExporter.Linear(g, cqtTime, weights["controls_encoder.align.weight"], weights["controls_encoder.align.bias"]) });
        tokens = new TransformerGraph(g, Prefixed(weights, "controls_encoder."), config.ControlBlocks, options).Write(tokens, noDropout);

        // Cross-attention blocks: control tokens attend to the CQT tokens.
        var graph = new TransformerGraph(g, weights, encoder, new GeneratorExportOptions { Operators = GeneratorOperators.Standard });
        for (int i = 0; i < config.CrossDepth; i++)
        {
            tokens = CrossAttention(g, graph, tokens, cqtTokens, $"cross_blocks.{i}.", encoder);
        }

        string pooled = g.Node("ReduceMean", new[] { graph.LayerNorm(tokens, "norm.") }, attributes: new[] { OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 0) });
        string reward = g.Node("Reshape", new[] { GeneratorOnnxExporter.Linear(g, pooled, weights["head.weight"], weights["head.bias"]), g.Constant(new long[] { -1 }, 1) });

        // The frame head: an MLP plus a linear term scores every frame's features, summed over the frames.
        string frames = g.Node("Transpose", new[] { features }, attributes: OnnxAttribute.Ints("perm", 0, 2, 1));
        string hidden = graph.Gelu(GeneratorOnnxExporter.Linear(g, frames, weights["frame_head.fc1.weight"], weights["frame_head.fc1.bias"]));
        string frameScores = GeneratorOnnxExporter.Linear(g, hidden, weights["frame_head.fc2.weight"], weights["frame_head.fc2.bias"]);
        frameScores = g.Node("Add", new[] { frameScores, g.Node("MatMul", new[] { frames, OnnxWeights.Float(g, weights["frame_head.linear.weight"], transpose: true) }) });
        string frameSum = g.Node("ReduceSum", new[] { frameScores, g.Constant(new long[] { 1, 2 }, 2) }, attributes: OnnxAttribute.Int("keepdims", 0));
        reward = g.Node("Add", new[] { reward, frameSum });
        g.Output(RewardContract.RewardOutput, reward, OnnxGraph.Float, "batch");

        Dictionary<string, string> metadata = CqtMetadata.Write(cqt);
        metadata[RewardContract.KindKey] = RewardContract.Kind;
        metadata[RewardContract.VersionKey] = Version;
        metadata[RewardContract.PresetKey] = preset;
        metadata[RewardContract.EmbedDimKey] = d.ToString(CultureInfo.InvariantCulture);
        metadata[RewardContract.HeadsKey] = encoder.Heads.ToString(CultureInfo.InvariantCulture);
        metadata[RewardContract.MlpDimKey] = encoder.MlpDim.ToString(CultureInfo.InvariantCulture);
        metadata[RewardContract.EncoderDepthKey] = encoder.Depth.ToString(CultureInfo.InvariantCulture);
        metadata[RewardContract.ControlDepthKey] = config.ControlDepth.ToString(CultureInfo.InvariantCulture);
        metadata[RewardContract.CrossDepthKey] = config.CrossDepth.ToString(CultureInfo.InvariantCulture);
        metadata[RewardContract.FrequencyTokensKey] = f.ToString(CultureInfo.InvariantCulture);
        metadata[RewardContract.MaxFramesKey] = (encoder.MaxTimeTokens * GeneratorConfig.TimePatch).ToString(CultureInfo.InvariantCulture);
        return g.ToModel(metadata);
    }

    /// <summary>The parameters under <paramref name="prefix"/>, named without it.</summary>
    private static Dictionary<string, Tensor> Prefixed(IReadOnlyDictionary<string, Tensor> weights, string prefix) =>
        weights.Where(w => w.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(w => w.Key[prefix.Length..], w => w.Value);

    /// <summary>
    /// The register energies and the levels' distances from them <c>[B, 8, T]</c> (<see cref="RewardConfig.RegisterFeatures"/>):
    /// e = min(1, weights x log spectrum / full scale), then |controls - e|.
    /// </summary>
    private static string RegisterEnergy(OnnxGraph g, string controls, string logSpectrum, RewardConfig config)
    {
        string weights = g.Constant(config.RegisterWeights(), GeneratorConfig.Controls, config.Encoder.Bins);
        string energy = g.Node("Div", new[] { g.Node("MatMul", new[] { weights, logSpectrum }), g.Constant(new[] { JudgedClip.RegisterFullScale }, 1) });
        energy = g.Node("Min", new[] { energy, g.Constant(new[] { 1f }, 1) });
        string distance = g.Node("Abs", new[] { g.Node("Sub", new[] { controls, energy }) });
        return g.Node("Concat", new[] { energy, distance }, attributes: OnnxAttribute.Int("axis", 1));
    }

    /// <summary>
    /// The onset-timing features <c>[B, 4, T]</c> (<see cref="RewardConfig.OnsetFeatures"/>), as in the controls encoder:
    /// the standardised spectral flux, whether an onset (a peak above the threshold, largest in the neighbourhood) is near,
    /// whether any control changes, their product.
    /// </summary>
    private static string OnsetTiming(OnnxGraph g, string logSpectrum, string changed, string t)
    {
        string one = g.Constant(new long[] { 1 }, 1), zero = g.Constant(new long[] { 0 }, 1), two = g.Constant(new long[] { 2 }, 1);
        string later = g.Node("Slice", new[] { logSpectrum, one, t, two });
        string earlier = g.Node("Slice", new[] { logSpectrum, zero, g.Node("Sub", new[] { t, one }), two });
        string rises = g.Node("ReduceSum", new[] { g.Node("Relu", new[] { g.Node("Sub", new[] { later, earlier }) }), one }, attributes: OnnxAttribute.Int("keepdims", 1));
        string flux = g.Node("Pad", new[] { rises, g.Constant(new long[] { 0, 0, 1, 0, 0, 0 }, 6) });
        OnnxAttribute[] overTime = { OnnxAttribute.Ints("axes", 2), OnnxAttribute.Int("keepdims", 1) };
        string centred = g.Node("Sub", new[] { flux, g.Node("ReduceMean", new[] { flux }, attributes: overTime) });
        string variance = g.Node("ReduceMean", new[] { g.Node("Mul", new[] { centred, centred }) }, attributes: overTime);
        string deviation = g.Node("Add", new[] { g.Node("Sqrt", new[] { variance }), g.Constant(new[] { RewardConfig.OnsetEpsilon }, 1) });
        string strength = g.Node("Div", new[] { centred, deviation });
        int window = (2 * RewardConfig.OnsetNeighbourhood) + 1;
        OnnxAttribute[] pool = { OnnxAttribute.Ints("kernel_shape", window), OnnxAttribute.Ints("pads", RewardConfig.OnsetNeighbourhood, RewardConfig.OnsetNeighbourhood), OnnxAttribute.Ints("strides", 1) };
        string isPeak = g.Node("Equal", new[] { strength, g.Node("MaxPool", new[] { strength }, attributes: pool) });
        string peaks = g.Node("Cast", new[] { g.Node("And", new[] { isPeak, g.Node("Greater", new[] { strength, g.Constant(new[] { RewardConfig.OnsetThreshold }, 1) }) }) }, attributes: OnnxAttribute.Int("to", OnnxGraph.Float));
        string near = g.Node("MaxPool", new[] { peaks }, attributes: pool);
        string anyChange = g.Node("ReduceMax", new[] { changed }, attributes: new[] { OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 1) });
        return g.Node("Concat", new[] { strength, near, anyChange, g.Node("Mul", new[] { anyChange, near }) }, attributes: OnnxAttribute.Int("axis", 1));
    }

    /// <summary>One <see cref="CrossAttentionBlock"/>: x + proj(attention(q(norm1 x), kv(norm_context c))), then x + mlp(norm2 x).</summary>
    private static string CrossAttention(OnnxGraph g, TransformerGraph graph, string x, string context, string prefix, GeneratorConfig config)
    {
        int d = config.EmbedDim, heads = config.Heads, hd = d / heads;
        string query = graph.Bias(graph.MatMul(graph.LayerNorm(x, prefix + "norm1."), prefix + "q.weight"), prefix + "q.bias");
        query = g.Node("Transpose", new[] { g.Node("Reshape", new[] { query, g.Constant(new long[] { 0, -1, heads, hd }, 4) }) }, attributes: OnnxAttribute.Ints("perm", 0, 2, 1, 3));
        string kv = graph.Bias(graph.MatMul(graph.LayerNorm(context, prefix + "norm_context."), prefix + "kv.weight"), prefix + "kv.bias");
        kv = g.Node("Transpose", new[] { g.Node("Reshape", new[] { kv, g.Constant(new long[] { 0, -1, 2, heads, hd }, 5) }) }, attributes: OnnxAttribute.Ints("perm", 2, 0, 3, 1, 4));
        string keys = g.Node("Gather", new[] { kv, g.Scalar(0) }, attributes: OnnxAttribute.Int("axis", 0));
        string values = g.Node("Gather", new[] { kv, g.Scalar(1) }, attributes: OnnxAttribute.Int("axis", 0));
        string scores = g.Node("Mul", new[] { g.Node("MatMul", new[] { query, g.Node("Transpose", new[] { keys }, attributes: OnnxAttribute.Ints("perm", 0, 1, 3, 2)) }), g.Constant(new[] { (float)(1 / Math.Sqrt(hd)) }, 1) });
        string mixed = g.Node("MatMul", new[] { g.Node("Softmax", new[] { scores }, attributes: OnnxAttribute.Int("axis", -1)), values });
        mixed = g.Node("Reshape", new[] { g.Node("Transpose", new[] { mixed }, attributes: OnnxAttribute.Ints("perm", 0, 2, 1, 3)), g.Constant(new long[] { 0, -1, d }, 3) });
        string h = g.Node("Add", new[] { x, graph.Bias(graph.MatMul(mixed, prefix + "proj.weight"), prefix + "proj.bias") });
        string hidden = graph.Gelu(graph.Bias(graph.MatMul(graph.LayerNorm(h, prefix + "norm2."), prefix + "mlp.fc1.weight"), prefix + "mlp.fc1.bias"));
        return g.Node("Add", new[] { h, graph.Bias(graph.MatMul(hidden, prefix + "mlp.fc2.weight"), prefix + "mlp.fc2.bias") });
    }
}
