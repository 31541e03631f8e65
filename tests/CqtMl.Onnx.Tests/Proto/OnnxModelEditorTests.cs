using CqtMl.Onnx.Proto;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CqtMl.Onnx.Tests.Proto;

/// <summary>Removing input defaults from a serialised model.</summary>
public class OnnxModelEditorTests
{
    [Fact]
    public void DroppingADefaultMakesTheInputRequiredAndKeepsTheRest()
    {
        var g = new OnnxGraph("edit");
        string x = g.Input("x", OnnxGraph.Float, 2L);
        string bias = g.OptionalInput("bias", new[] { 10f, 20f }, new long[] { 2 }, 2L);
        g.Output("y", g.Node("Add", new[] { x, bias }), OnnxGraph.Float, 2L);
        byte[] model = g.ToModel(new Dictionary<string, string> { ["kind"] = "test" });

        var input = NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(new[] { 1f, 2f }, new[] { 2 }));
        using (var session = new InferenceSession(model))
        {
            Assert.Equal(new[] { 11f, 22f }, session.Run(new[] { input }).First().AsTensor<float>().ToArray());
            Assert.Single(session.InputMetadata);
        }

        byte[] edited = OnnxModelEditor.WithoutInitializers(model, new HashSet<string> { "bias" });
        Assert.True(edited.Length < model.Length);
        using var required = new InferenceSession(edited);
        Assert.Equal(new[] { "x", "bias" }, required.InputMetadata.Keys.ToArray());
        Assert.Equal("test", required.ModelMetadata.CustomMetadataMap["kind"]);
        Assert.ThrowsAny<OnnxRuntimeException>(() => required.Run(new[] { input }));
        var bias2 = NamedOnnxValue.CreateFromTensor("bias", new DenseTensor<float>(new[] { 1f, 1f }, new[] { 2 }));
        Assert.Equal(new[] { 2f, 3f }, required.Run(new[] { input, bias2 }).First().AsTensor<float>().ToArray());
        Assert.Equal(model, OnnxModelEditor.WithoutInitializers(model, new HashSet<string>()));

        // Fixing the optional input at its default makes it a constant: one input left, same result.
        using var fixedBias = new InferenceSession(OnnxModelEditor.WithoutInputs(model, new HashSet<string> { "bias" }));
        Assert.Equal(new[] { "x" }, fixedBias.InputMetadata.Keys.ToArray());
        Assert.Empty(fixedBias.OverridableInitializerMetadata);
        Assert.Equal(new[] { 11f, 22f }, fixedBias.Run(new[] { input }).First().AsTensor<float>().ToArray());
    }

    [Fact]
    public void Float16WeightsWidenToFloat32WithTheSameResults()
    {
        // 2,048 weights are stored as float16 behind a Cast; the bias (2 values) stays float32.
        float[] weights = Enumerable.Range(0, 2048).Select(i => (float)Math.Sin(i * 0.37) * 0.5f).ToArray();
        var g = new OnnxGraph("half") { StoreWeightsAsFloat16 = true };
        string x = g.Input("x", OnnxGraph.Float, 1L, 1024L);
        string y = g.Node("Add", new[] { g.Node("MatMul", new[] { x, g.Constant(weights, 1024, 2) }), g.Constant(new[] { 1f, 2f }, 2) });
        g.Output("y", y, OnnxGraph.Float, 1L, 2L);
        byte[] model = g.ToModel(new Dictionary<string, string> { ["kind"] = "test" });

        float[] input = Enumerable.Range(0, 1024).Select(i => (float)Math.Cos(i * 0.11)).ToArray();
        var value = NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(input, new[] { 1, 1024 }));
        float[] Run(byte[] bytes)
        {
            using var session = new InferenceSession(bytes);
            return session.Run(new[] { value }).First().AsTensor<float>().ToArray();
        }

        byte[] widened = OnnxModelEditor.WithFloat32Weights(model);
        Assert.InRange(widened.Length - model.Length, (2 * 2048) - 64, (2 * 2048) + 64); // 2 more bytes per weight
        Assert.Equal(Run(model), Run(widened)); // the float16 values convert to float32 exactly
        Assert.Equal(widened, OnnxModelEditor.WithFloat32Weights(widened)); // nothing left to widen
        using var session = new InferenceSession(widened);
        Assert.Equal("test", session.ModelMetadata.CustomMetadataMap["kind"]);
    }
}
