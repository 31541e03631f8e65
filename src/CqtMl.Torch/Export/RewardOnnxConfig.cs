using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Cqt;
using CqtMl.Onnx.Reward;
using CqtMl.Torch.Generator;
using CqtMl.Torch.Reward;
using Microsoft.ML.OnnxRuntime;

namespace CqtMl.Torch.Export;

/// <summary>
/// The architecture a reward.onnx describes in its metadata (<see cref="RewardContract"/>): its preset, with the widths,
/// depths, time table and CQT the metadata records, so weights trained elsewhere can be loaded into the same network.
/// </summary>
public static class RewardOnnxConfig
{
    /// <summary>Reads the architecture of a reward model from the metadata of a loaded session.</summary>
    /// <param name="session">The reward model's session.</param>
    /// <param name="source">Where it came from, for messages.</param>
    /// <returns>The configuration, the CQT options and the preset name.</returns>
    /// <exception cref="InvalidDataException">Not a CqtMl reward model, or its metadata lacks a key or has a bad value; the message names it.</exception>
    public static (RewardConfig Config, CqtOptions Cqt, string Preset) Read(InferenceSession session, string source)
    {
        ArgumentNullException.ThrowIfNull(session);
        RewardModelInfo info = RewardModelInfo.From(session, source);
        IReadOnlyDictionary<string, string> map = session.ModelMetadata.CustomMetadataMap;
        int Number(string key) => CqtMetadata.PositiveInteger(map, key, source, GeneratorFolder.OlderExportHint);
        string preset = map.TryGetValue(RewardContract.PresetKey, out string? name) ? name : string.Empty;
        RewardConfig named;
        try
        {
            named = RewardConfig.Named(preset);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }

        GeneratorConfig encoder = named.Encoder with
        {
            EmbedDim = Number(RewardContract.EmbedDimKey),
            Heads = Number(RewardContract.HeadsKey),
            MlpDim = Number(RewardContract.MlpDimKey),
            Depth = Number(RewardContract.EncoderDepthKey),
            MaxTimeTokens = info.MaxFrames / GeneratorConfig.TimePatch,
            Bins = info.Bins,
            BinsPerOctave = info.Cqt.BinsPerOctave,
        };
        RewardConfig config = named with { Encoder = encoder, ControlDepth = Number(RewardContract.ControlDepthKey), CrossDepth = Number(RewardContract.CrossDepthKey), Fmin = info.Cqt.FMin };
        return (config, info.Cqt, preset);
    }
}
