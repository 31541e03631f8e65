using System.Globalization;
using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Cqt;
using CqtMl.Onnx.Runtime;
using Microsoft.ML.OnnxRuntime;

namespace CqtMl.Onnx.Generation;

/// <summary>
/// What a generator ONNX file says about itself (written by the project's exporter), checked against its graph: the
/// CQT its input must come from, K, and the sizes of the optional inputs. See <see cref="GeneratorContract"/>.
/// </summary>
/// <param name="Cqt">The CQT parameters the model was trained on (sample rate, hop, bins, bins per octave, fmin, channels).</param>
/// <param name="Levels">K, the number of levels per control.</param>
/// <param name="Depth">Transformer blocks (rows of the dropout mask).</param>
/// <param name="MlpDim">Hidden units of each block's MLP.</param>
/// <param name="FrequencyTokens">Tokens per time step (1 for strips, 7 for patches).</param>
public sealed record GeneratorModelInfo(CqtOptions Cqt, int Levels, int Depth, int MlpDim, int FrequencyTokens)
{
    /// <summary>The model kind a generator carries in its metadata.</summary>
    public const string Kind = GeneratorContract.Kind;

    /// <summary>Gets the number of CQT bins the model expects.</summary>
    public int Bins => Cqt.BinCount;

    /// <summary>Gets the number of tokens the model makes of <paramref name="frames"/> frames.</summary>
    /// <param name="frames">T.</param>
    /// <returns>Frequency tokens x ceil(T / 4).</returns>
    public int Tokens(int frames) => FrequencyTokens * ((frames + GeneratorContract.TimePatch - 1) / GeneratorContract.TimePatch);

    /// <summary>Reads the metadata of a loaded session and checks it against the graph's inputs and outputs.</summary>
    /// <param name="session">The session.</param>
    /// <param name="source">The model file (or another name) for error messages.</param>
    /// <returns>The model's description.</returns>
    /// <exception cref="InvalidDataException">Not a CqtMl generator, incomplete metadata, or a graph that does not match it; the message names <paramref name="source"/>.</exception>
    public static GeneratorModelInfo From(InferenceSession session, string source = "model")
    {
        ArgumentNullException.ThrowIfNull(session);
        IReadOnlyDictionary<string, string> map = session.ModelMetadata.CustomMetadataMap;
        if (!map.TryGetValue(GeneratorContract.KindKey, out string? kind) || kind != Kind)
        {
            throw new InvalidDataException($"{source}: not a CqtMl generator model (its metadata's {GeneratorContract.KindKey} is '{kind}', expected '{Kind}')");
        }

        int Read(string key) => CqtMetadata.PositiveInteger(map, key, source, "; exported by an older CqtMl version? Export it again");
        var info = new GeneratorModelInfo(
            CqtMetadata.Read(map, source),
            Read(GeneratorContract.LevelsKey),
            Read(GeneratorContract.DepthKey),
            Read(GeneratorContract.MlpDimKey),
            Read(GeneratorContract.FrequencyTokensKey));
        info.CheckSignature(session, source);
        return info;
    }

    /// <summary>Loads a model's bytes into a CPU session just to read and check it.</summary>
    /// <param name="model">The ONNX bytes.</param>
    /// <param name="source">The model file (or another name) for error messages.</param>
    /// <returns>The model's description.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a loadable ONNX model or not a CqtMl generator.</exception>
    public static GeneratorModelInfo Read(byte[] model, string source = "model")
    {
        ArgumentNullException.ThrowIfNull(model);
        using InferenceSession session = OnnxExecution.LoadForInspection(model, source);
        return From(session, source);
    }

    private void CheckSignature(InferenceSession session, string source)
    {
        void Check(IReadOnlyDictionary<string, NodeMetadata> nodes, string what, string name, bool required, params long[] dims)
        {
            if (!nodes.TryGetValue(name, out NodeMetadata? node))
            {
                if (required)
                {
                    throw new InvalidDataException($"{source}: the generator model has no {what} '{name}'");
                }

                return;
            }

            int[] actual = node.Dimensions;
            bool matches = node.ElementType == typeof(float) && actual.Length == dims.Length
                && dims.Zip(actual).All(p => p.First < 0 || p.Second < 0 || p.First == p.Second);
            if (!matches)
            {
                string expected = string.Join(", ", dims.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture)));
                string found = string.Join(", ", actual.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture)));
                throw new InvalidDataException($"{source}: the generator model's {what} '{name}' is {node.ElementType.Name} [{found}], its metadata implies float [{expected}]");
            }
        }

        const string Input = "input", Output = "output";
        Check(session.InputMetadata, Input, GeneratorContract.CqtInput, true, -1, GeneratorContract.InputChannels, Bins, -1);
        Check(session.InputMetadata, Input, GeneratorContract.GumbelInput, false, -1, -1, -1, -1);
        Check(session.InputMetadata, Input, GeneratorContract.TemperatureInput, false, 1);
        Check(session.InputMetadata, Input, GeneratorContract.DropoutMaskInput, false, Depth, -1, -1, -1);
        Check(session.OutputMetadata, Output, GeneratorContract.LogitsOutput, true, -1, GeneratorContract.Registers, Levels, -1);
        Check(session.OutputMetadata, Output, GeneratorContract.ControlsOutput, true, -1, GeneratorContract.Registers, -1);
    }
}
