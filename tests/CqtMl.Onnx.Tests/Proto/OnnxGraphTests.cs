using CqtMl.Onnx.Proto;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CqtMl.Onnx.Tests.Proto;

public class OnnxGraphTests
{
    [Fact]
    public void WrittenModelLoadsAndComputesInOnnxRuntime()
    {
        var graph = new OnnxGraph("test");
        string x = graph.Input("x", OnnxGraph.Float, "batch", 3L);
        string scaled = graph.Node("Mul", new[] { x, graph.Constant(new[] { 1f, 2f, 3f }, 3) });
        string summed = graph.Node("ReduceSum", new[] { scaled, graph.Constant(new long[] { 1 }, 1) }, attributes: OnnxAttribute.Int("keepdims", 0));
        graph.Output("y", summed, OnnxGraph.Float, "batch");
        byte[] model = graph.ToModel(new Dictionary<string, string> { ["model_kind"] = "test" });

        using var session = new InferenceSession(model);
        Assert.Equal("test", session.ModelMetadata.CustomMetadataMap["model_kind"]);
        var input = new DenseTensor<float>(new[] { 1f, 1f, 1f, 2f, 0f, -1f }, new[] { 2, 3 });
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("x", input) });
        float[] y = results.First().AsEnumerable<float>().ToArray();
        Assert.Equal(new[] { 6f, -1f }, y);
    }
}
