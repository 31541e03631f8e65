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
        var g = new OnnxGraph("cqt_generator") { StoreWeightsAsFloat16 = options.Float16Weights };
        string input = g.Input(GeneratorContract.CqtInput, OnnxGraph.Float, "batch", (long)GeneratorConfig.InputChannels, (long)config.Bins, "frames");

        string dropoutMask = g.OptionalInput(GeneratorContract.DropoutMaskInput, Enumerable.Repeat(1f, config.Depth).ToArray(), new long[] { config.Depth, 1, 1, 1 }, (long)config.Depth, "mask_batch", "mask_tokens", "mask_hidden");
        (string final, string t) = CqtEncoderGraph.Write(g, input, weights, config, options, dropoutMask);

        // Head: mean over frequency tokens, K levels x 4 controls x 4 frames per time token, crop to T.
        string pooled = g.Node("ReduceMean", new[] { g.Node("Reshape", new[] { final, g.Constant(new long[] { 0, f, -1, d }, 4) }) }, attributes: new[] { OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 0) });
        string logits = Linear(g, pooled, weights["head.weight"], weights["head.bias"]);
        logits = g.Node("Reshape", new[] { logits, g.Constant(new long[] { 0, -1, GeneratorConfig.Controls, k, GeneratorConfig.TimePatch }, 5) });
        logits = g.Node("Transpose", new[] { logits }, attributes: OnnxAttribute.Ints("perm", 0, 2, 3, 1, 4));
        logits = g.Node("Reshape", new[] { logits, g.Constant(new long[] { 0, GeneratorConfig.Controls, k, -1 }, 4) });
        logits = g.Node("Slice", new[] { logits, g.Constant(new long[] { 0 }, 1), t, g.Constant(new long[] { 3 }, 1) });

        // Outputs: the logits, and controls = argmax(logits / temperature + Gumbel noise) / (K - 1).
        GeneratorOutputs.Write(g, logits, k);

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
        metadata[GeneratorContract.AttentionKey] = config.Attention ? "true" : "false";
        return g.ToModel(metadata);
    }

    /// <summary>x times a Linear weight (transposed) plus its bias, in float32.</summary>
    internal static string Linear(OnnxGraph g, string x, Tensor weight, Tensor bias) =>
        g.Node("Add", new[] { g.Node("MatMul", new[] { x, OnnxWeights.Float(g, weight, transpose: true) }), OnnxWeights.Float(g, bias) });
}
