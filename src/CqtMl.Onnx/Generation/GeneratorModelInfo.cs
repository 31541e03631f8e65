using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace CqtMl.Onnx.Generation;

/// <summary>What a generator ONNX file says about itself in its metadata (written by the project's exporter).</summary>
/// <param name="Bins">CQT bins the model expects.</param>
/// <param name="Levels">K, the number of levels per control.</param>
/// <param name="Depth">Transformer blocks (rows of the dropout mask).</param>
/// <param name="MlpDim">Hidden units of each block's MLP.</param>
/// <param name="FrequencyTokens">Tokens per time step (1 for strips, 7 for patches).</param>
public sealed record GeneratorModelInfo(int Bins, int Levels, int Depth, int MlpDim, int FrequencyTokens)
{
    /// <summary>The model kind a generator carries in its metadata.</summary>
    public const string Kind = "cqtml.generator";

    /// <summary>Gets the number of tokens the model makes of <paramref name="frames"/> frames.</summary>
    /// <param name="frames">T.</param>
    /// <returns>Frequency tokens x ceil(T / 4).</returns>
    public int Tokens(int frames) => FrequencyTokens * ((frames + 3) / 4);

    /// <summary>Reads and checks the metadata of a loaded session.</summary>
    /// <param name="session">The session.</param>
    /// <returns>The model's description.</returns>
    /// <exception cref="InvalidDataException">The model is not a CqtMl generator or its metadata is incomplete.</exception>
    public static GeneratorModelInfo From(InferenceSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        IReadOnlyDictionary<string, string> map = session.ModelMetadata.CustomMetadataMap;
        if (!map.TryGetValue("model_kind", out string? kind) || kind != Kind)
        {
            throw new InvalidDataException($"Not a CqtMl generator model (model_kind '{kind}').");
        }

        int Read(string key) => map.TryGetValue(key, out string? text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new InvalidDataException($"The generator model's metadata has no valid '{key}' (exported by an older CqtMl version? Export it again).");
        return new GeneratorModelInfo(Read("bins"), Read("levels"), Read("depth"), Read("mlp_dim"), Read("frequency_tokens"));
    }

    /// <summary>Loads a model file's bytes into a CPU session just to read and check its metadata.</summary>
    /// <param name="model">The ONNX bytes.</param>
    /// <returns>The model's description.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a loadable ONNX model or not a CqtMl generator.</exception>
    public static GeneratorModelInfo Read(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        try
        {
            using var session = new InferenceSession(model, options);
            return From(session);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"Not a loadable ONNX model: {e.Message}", e);
        }
    }
}
