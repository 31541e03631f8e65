using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Cqt;
using CqtMl.Onnx.Runtime;
using Microsoft.ML.OnnxRuntime;

namespace CqtMl.Onnx.Reward;

/// <summary>What a reward ONNX file says about itself, checked against its graph. See <see cref="RewardContract"/>.</summary>
/// <param name="Cqt">The CQT its input must come from.</param>
/// <param name="MaxFrames">The largest T it accepts.</param>
public sealed record RewardModelInfo(CqtOptions Cqt, int MaxFrames)
{
    /// <summary>Gets the number of CQT bins the model expects.</summary>
    public int Bins => Cqt.BinCount;

    /// <summary>Reads and checks the metadata of a loaded session.</summary>
    /// <param name="session">The session.</param>
    /// <param name="source">The model file, for messages.</param>
    /// <returns>The description.</returns>
    /// <exception cref="InvalidDataException">Not a CqtMl reward model, or its graph does not match the contract.</exception>
    public static RewardModelInfo From(InferenceSession session, string source = "model")
    {
        ArgumentNullException.ThrowIfNull(session);
        IReadOnlyDictionary<string, string> map = session.ModelMetadata.CustomMetadataMap;
        if (!map.TryGetValue(RewardContract.KindKey, out string? kind) || kind != RewardContract.Kind)
        {
            throw new InvalidDataException($"{source}: not a CqtMl reward model (its metadata's {RewardContract.KindKey} is '{kind}', expected '{RewardContract.Kind}')");
        }

        var info = new RewardModelInfo(CqtMetadata.Read(map, source), CqtMetadata.PositiveInteger(map, RewardContract.MaxFramesKey, source, string.Empty));
        Require(session.InputMetadata, RewardContract.CqtInput, 4, source);
        Require(session.InputMetadata, RewardContract.ControlsInput, 3, source);
        Require(session.OutputMetadata, RewardContract.RewardOutput, 1, source);
        return info;
    }

    /// <summary>Loads a model's bytes into a CPU session without graph optimisation just to read and check it.</summary>
    /// <param name="model">The ONNX bytes.</param>
    /// <param name="source">The model file (or another name) for error messages.</param>
    /// <returns>The model's description.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a loadable ONNX model or not a CqtMl reward model.</exception>
    public static RewardModelInfo Read(byte[] model, string source = "model")
    {
        ArgumentNullException.ThrowIfNull(model);
        using InferenceSession session = OnnxExecution.LoadForInspection(model, source);
        return From(session, source);
    }

    private static void Require(IReadOnlyDictionary<string, NodeMetadata> nodes, string name, int rank, string source)
    {
        if (!nodes.TryGetValue(name, out NodeMetadata? node) || node.ElementType != typeof(float) || node.Dimensions.Length != rank)
        {
            throw new InvalidDataException($"{source}: the reward model has no float tensor '{name}' of rank {rank}");
        }
    }
}
