using System.Globalization;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.IO;
using CqtMl.Onnx.Cqt;
using CqtMl.Onnx.Generation;
using CqtMl.Onnx.Runtime;
using CqtMl.Torch.Generator;
using Microsoft.ML.OnnxRuntime;

namespace CqtMl.Torch.Export;

/// <summary>
/// A trained generator's folder as <c>cqtml train-generator</c> and <c>cqtml train-dpo</c> write it:
/// <see cref="OnnxFile"/> (float32), <see cref="Int8File"/> (int8 weights), <see cref="WeightsFile"/> (PyTorch-style
/// safetensors). The architecture and the CQT are read back from the ONNX file's metadata, so the folder alone is
/// enough to continue training.
/// </summary>
public static class GeneratorFolder
{
    /// <summary>What the metadata readers add to an error about a missing or bad entry.</summary>
    internal const string OlderExportHint = "; exported by an older CqtMl version? Export it again";

    /// <summary>The float32 ONNX model's file name.</summary>
    public const string OnnxFile = "generator.onnx";

    /// <summary>The int8-weight ONNX model's file name.</summary>
    public const string Int8File = "generator.int8.onnx";

    /// <summary>The safetensors weights' file name.</summary>
    public const string WeightsFile = "generator.safetensors";

    /// <summary>Writes the three files atomically (each to a temporary file, then renamed).</summary>
    /// <param name="directory">The folder (created when missing).</param>
    /// <param name="model">The generator.</param>
    /// <param name="cqt">The CQT it reads.</param>
    /// <param name="preset">The preset name for the metadata.</param>
    /// <returns>The float32 and the int8 ONNX bytes.</returns>
    public static (byte[] Onnx, byte[] Int8) Write(string directory, CqtVisionTransformer model, CqtOptions cqt, string preset)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        byte[] onnx = GeneratorOnnxExporter.Export(model, cqt, preset);
        byte[] int8 = GeneratorOnnxExporter.Export(model, cqt, preset, new GeneratorExportOptions { QuantizeWeights = true });
        AtomicFile.WriteAllBytes(Path.Combine(directory, OnnxFile), onnx);
        AtomicFile.WriteAllBytes(Path.Combine(directory, Int8File), int8);
        GeneratorWeights.SaveSafetensors(model, Path.Combine(directory, WeightsFile));
        return (onnx, int8);
    }

    /// <summary>Reads a folder's architecture, CQT and preset from its ONNX file's metadata.</summary>
    /// <param name="directory">The folder.</param>
    /// <returns>The description.</returns>
    /// <exception cref="FileNotFoundException">The folder has no <see cref="OnnxFile"/> or <see cref="WeightsFile"/>.</exception>
    /// <exception cref="InvalidDataException">The ONNX file is not a CqtMl generator or its metadata is incomplete.</exception>
    public static GeneratorFolderInfo Read(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string onnxPath = Path.Combine(directory, OnnxFile), weightsPath = Path.Combine(directory, WeightsFile);
        foreach (string path in new[] { onnxPath, weightsPath })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path}: not found; a generator folder holds {OnnxFile} and {WeightsFile} (as cqtml train-generator writes them)", path);
            }
        }

        (GeneratorConfig config, CqtOptions cqt, string preset) = ReadConfig(File.ReadAllBytes(onnxPath), onnxPath);
        return new GeneratorFolderInfo(config, cqt, preset, onnxPath, weightsPath);
    }

    /// <summary>
    /// Reads a generator's architecture, CQT and preset from the metadata of its ONNX file (as the exporter writes them),
    /// so weights trained elsewhere (PyTorch DDP, say) can be loaded into the same network and exported again.
    /// </summary>
    /// <param name="onnx">The generator.onnx bytes.</param>
    /// <param name="source">Where they came from, for messages.</param>
    /// <returns>The configuration, the CQT options and the preset name.</returns>
    /// <exception cref="InvalidDataException">The metadata lacks a key or has a bad value; the message names it.</exception>
    public static (GeneratorConfig Config, CqtOptions Cqt, string Preset) ReadConfig(byte[] onnx, string source)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        using InferenceSession session = OnnxExecution.LoadForInspection(onnx, source);
        return ReadConfig(session, source);
    }

    /// <summary>Reads a generator's architecture, CQT and preset from the metadata of a loaded session.</summary>
    /// <param name="session">The generator's session.</param>
    /// <param name="source">Where it came from, for messages.</param>
    /// <returns>The configuration, the CQT options and the preset name.</returns>
    /// <exception cref="InvalidDataException">Not a CqtMl generator, or the metadata lacks a key or has a bad value; the message names it.</exception>
    public static (GeneratorConfig Config, CqtOptions Cqt, string Preset) ReadConfig(InferenceSession session, string source)
    {
        ArgumentNullException.ThrowIfNull(session);
        GeneratorModelInfo info = GeneratorModelInfo.From(session, source);
        IReadOnlyDictionary<string, string> map = session.ModelMetadata.CustomMetadataMap;
        string Text(string key) => map.TryGetValue(key, out string? value) && value.Length > 0
            ? value
            : throw new InvalidDataException($"{source}: the metadata has no '{key}'{OlderExportHint}");
        int Number(string key) => CqtMetadata.PositiveInteger(map, key, source, OlderExportHint);
        string tokenizer = Text(GeneratorContract.TokenizerKey), positions = Text(GeneratorContract.PositionsKey);
        var config = new GeneratorConfig(Number(GeneratorContract.EmbedDimKey), info.Depth, Number(GeneratorContract.HeadsKey), info.MlpDim, info.Levels)
        {
            Tokenizer = Enum.TryParse(tokenizer, ignoreCase: true, out GeneratorTokenizer t) ? t : throw new InvalidDataException($"{source}: unknown tokenizer '{tokenizer}'"),
            Positions = Enum.TryParse(positions, ignoreCase: true, out GeneratorPositions p) ? p : throw new InvalidDataException($"{source}: unknown time positions '{positions}'"),
            Bins = info.Bins,
            BinsPerOctave = info.Cqt.BinsPerOctave,
            InputGain = double.Parse(Text(GeneratorContract.InputGainKey), NumberStyles.Float, CultureInfo.InvariantCulture),
            HarmonicStacking = Text(GeneratorContract.HarmonicShiftsKey) != "0",
            Attention = !map.TryGetValue(GeneratorContract.AttentionKey, out string? attention) || attention != "false",
        };
        return (config, info.Cqt, Text(GeneratorContract.PresetKey));
    }

    /// <summary>Builds the folder's generator and loads its weights.</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="info">The folder's description.</param>
    /// <returns>The generator (CPU, evaluation mode).</returns>
    public static CqtVisionTransformer Load(string directory, out GeneratorFolderInfo info)
    {
        info = Read(directory);
        return Load(info);
    }

    /// <summary>Builds a generator from a folder already read (<see cref="Read"/>) and loads its weights: a second copy without reading the metadata again.</summary>
    /// <param name="info">The folder's description.</param>
    /// <returns>The generator (CPU, evaluation mode).</returns>
    public static CqtVisionTransformer Load(GeneratorFolderInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var model = new CqtVisionTransformer(info.Config);
        try
        {
            GeneratorWeights.LoadSafetensors(model, info.WeightsPath);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        model.eval();
        return model;
    }
}
