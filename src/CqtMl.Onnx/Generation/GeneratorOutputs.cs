using CqtMl.Onnx.Proto;

namespace CqtMl.Onnx.Generation;

/// <summary>
/// The end every generator graph shares (<see cref="GeneratorContract"/>): the <c>logits</c> output
/// <c>[batch, 4, K, frames]</c>, the optional inputs <c>gumbel</c> (default 0) and <c>temperature</c> (default 1), and
/// the <c>controls</c> output <c>[batch, 4, frames]</c> = argmax(logits / temperature + gumbel) / (K - 1).
/// </summary>
public static class GeneratorOutputs
{
    /// <summary>Adds the outputs and the sampling inputs to a graph.</summary>
    /// <param name="g">The graph.</param>
    /// <param name="logits">The logits value <c>[batch, 4, K, frames]</c>.</param>
    /// <param name="levels">K.</param>
    public static void Write(OnnxGraph g, string logits, int levels)
    {
        ArgumentNullException.ThrowIfNull(g);
        g.Output(GeneratorContract.LogitsOutput, logits, OnnxGraph.Float, "batch", (long)GeneratorContract.Registers, (long)levels, "frames");
        string gumbel = g.OptionalInput(GeneratorContract.GumbelInput, new[] { 0f }, new long[] { 1, 1, 1, 1 }, "noise_batch", "noise_controls", "noise_levels", "noise_frames");
        string temperature = g.OptionalInput(GeneratorContract.TemperatureInput, new[] { 1f }, new long[] { 1 }, 1L);
        string perturbed = g.Node("Add", new[] { g.Node("Div", new[] { logits, temperature }), gumbel });
        string level = g.Node("Cast", new[] { g.Node("ArgMax", new[] { perturbed }, attributes: new[] { OnnxAttribute.Int("axis", 2), OnnxAttribute.Int("keepdims", 0) }) }, attributes: OnnxAttribute.Int("to", OnnxGraph.Float));
        string controls = g.Node("Div", new[] { level, g.Constant(new[] { (float)(levels - 1) }, 1) });
        g.Output(GeneratorContract.ControlsOutput, controls, OnnxGraph.Float, "batch", (long)GeneratorContract.Registers, "frames");
    }
}
