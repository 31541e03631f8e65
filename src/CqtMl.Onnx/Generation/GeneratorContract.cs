namespace CqtMl.Onnx.Generation;

/// <summary>
/// The ONNX contract of a generator model, in one place: the graph's input and output names, its metadata keys and the
/// fixed sizes every generator shares. The exporter writes these names, <see cref="GeneratorModelInfo"/> and
/// <see cref="OnnxControlGenerator"/> read them, and the ML.NET estimators and the CLI bind to them.
/// </summary>
public static class GeneratorContract
{
    /// <summary>The model kind in the metadata (<see cref="KindKey"/>).</summary>
    public const string Kind = "cqtml.generator";

    /// <summary>Input: the CQT, float <c>[batch, 2, bins, frames]</c>.</summary>
    public const string CqtInput = "cqt";

    /// <summary>Optional input: Gumbel noise shaped like the logits (default 0: deterministic).</summary>
    public const string GumbelInput = "gumbel";

    /// <summary>Optional input: the sampling temperature <c>[1]</c> (default 1).</summary>
    public const string TemperatureInput = "temperature";

    /// <summary>Optional input: the inference-time dropout mask <c>[depth, batch, tokens, mlp]</c> (default 1: none).</summary>
    public const string DropoutMaskInput = "dropout_mask";

    /// <summary>Output: the levels' logits <c>[batch, 4, K, frames]</c>.</summary>
    public const string LogitsOutput = "logits";

    /// <summary>Output: the controls <c>[batch, 4, frames]</c> in [0, 1].</summary>
    public const string ControlsOutput = "controls";

    /// <summary>Control signals per frame: one per pitch register (MIDI note &lt; 48, 48-59, 60-71, &gt;= 72).</summary>
    public const int Registers = 4;

    /// <summary>Frames per time token (the graph pads T to a multiple of it and crops the output back).</summary>
    public const int TimePatch = 4;

    /// <summary>Channels of the CQT input.</summary>
    public const int InputChannels = 2;

    /// <summary>Metadata key: the model kind (<see cref="Kind"/>).</summary>
    public const string KindKey = "model_kind";

    /// <summary>Metadata key: the exporter's graph version.</summary>
    public const string VersionKey = "model_version";

    /// <summary>Metadata key: K, the number of levels per control.</summary>
    public const string LevelsKey = "levels";

    /// <summary>Metadata key: the number of transformer blocks.</summary>
    public const string DepthKey = "depth";

    /// <summary>Metadata key: hidden units of each block's MLP.</summary>
    public const string MlpDimKey = "mlp_dim";

    /// <summary>Metadata key: tokens per time step.</summary>
    public const string FrequencyTokensKey = "frequency_tokens";

    /// <summary>Metadata key: the preset name (demo, tiny, ...).</summary>
    public const string PresetKey = "preset";

    /// <summary>Metadata key: strips or patches.</summary>
    public const string TokenizerKey = "tokenizer";

    /// <summary>Metadata key: sliced or interpolated time positions.</summary>
    public const string PositionsKey = "positions";

    /// <summary>Metadata key: the harmonic stacking shifts in octaves, comma-separated.</summary>
    public const string HarmonicShiftsKey = "harmonic_shifts";

    /// <summary>Metadata key: the token width.</summary>
    public const string EmbedDimKey = "embed_dim";

    /// <summary>Metadata key: attention heads.</summary>
    public const string HeadsKey = "heads";

    /// <summary>Metadata key: the gain of the log compression log(1 + gain x).</summary>
    public const string InputGainKey = "input_gain";

    /// <summary>Metadata key: fused or standard operators.</summary>
    public const string OperatorsKey = "operators";

    /// <summary>Metadata key: float32 or int8 weights.</summary>
    public const string WeightsKey = "weights";

    /// <summary>Metadata key: whether the blocks have self-attention ("true", or "false" for the baseline preset; missing in older models, meaning true).</summary>
    public const string AttentionKey = "attention";

    /// <summary>Gets the optional inputs (they have defaults inside the graph).</summary>
    public static IReadOnlyList<string> OptionalInputs { get; } = new[] { GumbelInput, TemperatureInput, DropoutMaskInput };
}
