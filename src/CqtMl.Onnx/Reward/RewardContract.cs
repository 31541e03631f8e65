using CqtMl.Onnx.Generation;

namespace CqtMl.Onnx.Reward;

/// <summary>
/// The ONNX contract of a reward model, in one place: input and output names, metadata keys and fixed sizes. The
/// exporter writes them, <see cref="RewardModelInfo"/> and <see cref="OnnxRewardModel"/> read them, the ML.NET
/// transforms and the CLI bind to them. The CQT parameters are recorded under <see cref="Cqt.CqtMetadata"/>'s keys.
/// </summary>
public static class RewardContract
{
    /// <summary>The model kind in the metadata (<see cref="KindKey"/>).</summary>
    public const string Kind = "cqtml.reward";

    /// <summary>Input: the CQT, float <c>[batch, 2, bins, frames]</c>.</summary>
    public const string CqtInput = "cqt";

    /// <summary>Input: the controls, float <c>[batch, 4, frames]</c> in [0, 1].</summary>
    public const string ControlsInput = "controls";

    /// <summary>Output: one reward per row, float <c>[batch]</c>.</summary>
    public const string RewardOutput = "reward";

    /// <summary>Controls per frame (<see cref="GeneratorContract.Registers"/>).</summary>
    public const int Registers = GeneratorContract.Registers;

    /// <summary>Channels of the CQT input (<see cref="GeneratorContract.InputChannels"/>).</summary>
    public const int InputChannels = GeneratorContract.InputChannels;

    /// <summary>Metadata key: the model kind (<see cref="Kind"/>).</summary>
    public const string KindKey = GeneratorContract.KindKey;

    /// <summary>Metadata key: the exporter's graph version.</summary>
    public const string VersionKey = GeneratorContract.VersionKey;

    /// <summary>Metadata key: the preset name (demo, tiny).</summary>
    public const string PresetKey = GeneratorContract.PresetKey;

    /// <summary>Metadata key: the token width.</summary>
    public const string EmbedDimKey = GeneratorContract.EmbedDimKey;

    /// <summary>Metadata key: attention heads.</summary>
    public const string HeadsKey = GeneratorContract.HeadsKey;

    /// <summary>Metadata key: hidden units of each MLP.</summary>
    public const string MlpDimKey = GeneratorContract.MlpDimKey;

    /// <summary>Metadata key: the CQT encoder's blocks.</summary>
    public const string EncoderDepthKey = "encoder_depth";

    /// <summary>Metadata key: the controls encoder's blocks.</summary>
    public const string ControlDepthKey = "control_depth";

    /// <summary>Metadata key: the cross-attention blocks.</summary>
    public const string CrossDepthKey = "cross_depth";

    /// <summary>Metadata key: the CQT encoder's tokens per time step.</summary>
    public const string FrequencyTokensKey = GeneratorContract.FrequencyTokensKey;

    /// <summary>Metadata key: the largest T the time-position tables allow.</summary>
    public const string MaxFramesKey = "max_frames";
}
