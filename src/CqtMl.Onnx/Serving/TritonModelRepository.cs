using System.Globalization;
using System.Text;
using CqtMl.Audio.IO;
using CqtMl.Onnx.Proto;

namespace CqtMl.Onnx.Serving;

/// <summary>
/// Writes a model repository for NVIDIA Triton Inference Server's ONNX Runtime backend: <c>&lt;name&gt;/1/model.onnx</c>
/// (the file as it is, so any other ONNX Runtime server can load the same bytes) and <c>&lt;name&gt;/config.pbtxt</c>
/// (<see cref="TritonModelConfig"/>), plus a <c>README.md</c> listing each model's signature and how to serve it.
/// </summary>
public static class TritonModelRepository
{
    /// <summary>Writes the repository (each file atomically).</summary>
    /// <param name="directory">The repository folder (created if needed).</param>
    /// <param name="models">The models: a name (letters, digits, '_' and '-') and the ONNX bytes.</param>
    /// <param name="maxBatchSize">The largest batch Triton may form for models that can be batched.</param>
    /// <returns>Per model: its name and whether Triton batches its requests.</returns>
    public static IReadOnlyList<(string Name, bool Batched)> Write(string directory, IReadOnlyList<(string Name, byte[] Model)> models, int maxBatchSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count == 0)
        {
            throw new ArgumentException("No models to write.", nameof(models));
        }

        string? badName = models.Select(m => m.Name).FirstOrDefault(n => n.Length == 0 || !n.All(TritonConstants.IsModelNameCharacter));
        if (badName is not null)
        {
            throw new ArgumentException($"Model name '{badName}' must be letters, digits, '_' or '-' (it names a folder and Triton's model).", nameof(models));
        }

        var written = new List<(string, bool)>();
        var readme = new StringBuilder();
        readme.Append("# Model repository\n\nWritten by `cqtml export-serving` for NVIDIA Triton Inference Server's ONNX Runtime backend:\n\n")
            .Append("```bash\ndocker run --rm -p 8000:8000 -p 8001:8001 -v $PWD:/models nvcr.io/nvidia/tritonserver:<version>-py3 tritonserver --model-repository=/models\n```\n\n")
            .Append("Each `<model>/1/model.onnx` is the project's ONNX file unchanged: any ONNX Runtime server (or `onnxruntime` in any language) loads it as it is.\n\n");
        foreach ((string name, byte[] model) in models)
        {
            (IReadOnlyList<OnnxTensorInfo> inputs, IReadOnlyList<OnnxTensorInfo> outputs) = OnnxSignature.Read(model);
            (string config, bool batched) = TritonModelConfig.Create(name, inputs, outputs, maxBatchSize);
            string folder = Path.Combine(directory, name);
            AtomicFile.WriteAllBytes(Path.Combine(folder, TritonConstants.Version, TritonConstants.ModelFileName), model);
            AtomicFile.WriteAllText(Path.Combine(folder, TritonConstants.ConfigFileName), config);
            written.Add((name, batched));

            readme.Append(CultureInfo.InvariantCulture, $"## {name}\n\n{(batched ? $"Batched by Triton (dynamic batching, at most {maxBatchSize} per batch)" : "Served unbatched (not every input and output has a leading dynamic dimension)")}.\n\n| | name | type | shape |\n|---|---|---|---|\n");
            foreach (OnnxTensorInfo t in inputs)
            {
                readme.Append(CultureInfo.InvariantCulture, $"| input{(t.HasDefault ? " (optional)" : string.Empty)} | `{t.Name}` | {TritonConstants.DataType(t.ElementType)} | {Shape(t)} |\n");
            }

            foreach (OnnxTensorInfo t in outputs)
            {
                readme.Append(CultureInfo.InvariantCulture, $"| output | `{t.Name}` | {TritonConstants.DataType(t.ElementType)} | {Shape(t)} |\n");
            }

            readme.Append('\n');
        }

        AtomicFile.WriteAllText(Path.Combine(directory, "README.md"), readme.ToString());
        return written;
    }

    private static string Shape(OnnxTensorInfo tensor) => "[" + string.Join(", ", tensor.Dims.Select(d => d?.ToString(CultureInfo.InvariantCulture) ?? "dynamic")) + "]";
}
