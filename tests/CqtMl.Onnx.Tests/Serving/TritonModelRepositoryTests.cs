using System.Text.RegularExpressions;
using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Cqt;
using CqtMl.Onnx.Models;
using CqtMl.Onnx.Proto;
using CqtMl.Onnx.Serving;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CqtMl.Onnx.Tests.Serving;

/// <summary>
/// The Triton model repository against the ONNX files' own signatures as ONNX Runtime reads them (an independent
/// reader: the repository is written from the protobuf by <see cref="OnnxSignature"/>).
/// </summary>
public partial class TritonModelRepositoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-triton-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Models() => new() { "generator", "reward", "cqt" };

    [Theory]
    [MemberData(nameof(Models))]
    public void ConfigsDeclareExactlyWhatOnnxRuntimeReadsFromTheModel(string name)
    {
        byte[] model = name switch
        {
            "generator" => ShippedModels.Generator,
            "reward" => ShippedModels.Reward,
            _ => CqtOnnxModel.Build(new CqtOptions()),
        };
        TritonModelRepository.Write(_dir, new[] { (name, model) }, maxBatchSize: 4);
        Assert.Equal(model, File.ReadAllBytes(Path.Combine(_dir, name, TritonConstants.Version, TritonConstants.ModelFileName)));
        string config = File.ReadAllText(Path.Combine(_dir, name, TritonConstants.ConfigFileName));
        Assert.Contains($"name: \"{name}\"", config, StringComparison.Ordinal);
        Assert.Contains("platform: \"onnxruntime_onnx\"", config, StringComparison.Ordinal);
        int maxBatch = int.Parse(MaxBatch().Match(config).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        bool batched = maxBatch > 0;
        Assert.Equal(batched, config.Contains("dynamic_batching", StringComparison.Ordinal));

        using var session = new InferenceSession(model);
        var expectedInputs = session.InputMetadata.Select(m => (m.Key, m.Value, Optional: false))
            .Concat(session.OverridableInitializerMetadata.Select(m => (m.Key, m.Value, Optional: true)))
            .ToDictionary(m => m.Key);
        Dictionary<string, Declared> inputs = Declarations(Section(config, "input"));
        Dictionary<string, Declared> outputs = Declarations(Section(config, "output"));
        Assert.Equal(expectedInputs.Keys.Order(), inputs.Keys.Order());
        Assert.Equal(session.OutputMetadata.Keys.Order(), outputs.Keys.Order());
        foreach ((string key, NodeMetadata meta, bool optional) in expectedInputs.Values)
        {
            Check(inputs[key], meta, batched);
            Assert.Equal(optional, inputs[key].Optional);
        }

        foreach ((string key, NodeMetadata meta) in session.OutputMetadata)
        {
            Check(outputs[key], meta, batched);
        }

        // The reward model takes [B, ...] everywhere and is batched; the generator's optional inputs are not [B, ...].
        Assert.Equal(name == "reward", batched);
    }

    [Fact]
    public void OnnxSignatureReadsNamesTypesStaticAndDynamicDimensionsAndDefaults()
    {
        var graph = new OnnxGraph("signature");
        string x = graph.Input("x", OnnxGraph.Float, 1L, "n");
        string scale = graph.OptionalInput("scale", new[] { 2f }, new long[] { 1 }, 1L);
        graph.Output("y", graph.Node("Mul", new[] { x, scale }), OnnxGraph.Float, 1L, "n");
        (IReadOnlyList<OnnxTensorInfo> inputs, IReadOnlyList<OnnxTensorInfo> outputs) = OnnxSignature.Read(graph.ToModel());
        Assert.Equal(new[] { "x", "scale" }, inputs.Select(i => i.Name));
        Assert.Equal(new long?[] { 1, null }, inputs[0].Dims);
        Assert.False(inputs[0].HasDefault);
        Assert.True(inputs[1].HasDefault);
        Assert.Equal(OnnxGraph.Float, outputs.Single().ElementType);
        Assert.Throws<InvalidDataException>(() => OnnxSignature.Read(new byte[] { 0x08, 0x07 }));
    }

    [Fact]
    public void BadModelNamesAreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => TritonModelRepository.Write(_dir, new[] { ("../up", ShippedModels.Reward) }, 4));
        Assert.Contains("../up", error.Message, StringComparison.Ordinal);
    }

    private static void Check(Declared declared, NodeMetadata meta, bool batched)
    {
        Assert.Equal(TritonType(meta.ElementDataType), declared.DataType);
        int[] dims = meta.Dimensions;
        if (batched)
        {
            Assert.Equal(-1, dims[0]);
            dims = dims[1..];
        }

        Assert.Equal(dims.Length == 0 ? new[] { 1 } : dims, declared.Dims);
        Assert.Equal(dims.Length == 0, declared.Reshaped);
    }

    private static string TritonType(TensorElementType type) => type switch
    {
        TensorElementType.Float => "TYPE_FP32",
        TensorElementType.Float16 => "TYPE_FP16",
        TensorElementType.Int64 => "TYPE_INT64",
        TensorElementType.Int32 => "TYPE_INT32",
        TensorElementType.Int8 => "TYPE_INT8",
        TensorElementType.UInt8 => "TYPE_UINT8",
        TensorElementType.Bool => "TYPE_BOOL",
        _ => type.ToString(),
    };

    private static string Section(string config, string kind)
    {
        Match match = Regex.Match(config, $@"^{kind} \[\n(.*?)^\]", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.True(match.Success, $"no {kind} section in:\n{config}");
        return match.Groups[1].Value;
    }

    private static Dictionary<string, Declared> Declarations(string section) => Tensor().Matches(section).ToDictionary(
        m => m.Groups["name"].Value,
        m => new Declared(
            m.Groups["type"].Value,
            m.Groups["dims"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(d => int.Parse(d, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
            m.Groups["rest"].Value.Contains("reshape", StringComparison.Ordinal),
            m.Groups["rest"].Value.Contains("optional: true", StringComparison.Ordinal)));

    [GeneratedRegex(@"max_batch_size: (\d+)")]
    private static partial Regex MaxBatch();

    [GeneratedRegex(@"^\s*\{ name: ""(?<name>[^""]+)"" data_type: (?<type>TYPE_\w+) dims: \[ (?<dims>[^\]]*) \](?<rest>.*)\},?$", RegexOptions.Multiline)]
    private static partial Regex Tensor();

    private sealed record Declared(string DataType, int[] Dims, bool Reshaped, bool Optional);
}
