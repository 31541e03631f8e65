using CqtMl.Onnx.Runtime;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CqtMl.Onnx.Generation;

/// <summary>
/// Runs an exported generator (<c>generator.onnx</c>) in ONNX Runtime: controls for a batch of CQTs, deterministic or
/// stochastic (Gumbel noise from the seed fed to the graph's <c>gumbel</c> input), several samples per call. Sessions
/// are thread-safe; one instance may serve several threads.
/// </summary>
public sealed class OnnxControlGenerator : IDisposable
{
    private readonly InferenceSession _session;

    /// <summary>Loads a generator model.</summary>
    /// <param name="model">The ONNX file's bytes.</param>
    /// <param name="gpuDeviceId">A CUDA device, or null for the CPU.</param>
    /// <param name="fallbackToCpu">Whether to fall back to the CPU (logged) when CUDA cannot be used.</param>
    public OnnxControlGenerator(byte[] model, int? gpuDeviceId = null, bool fallbackToCpu = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        using SessionOptions options = OnnxExecution.CreateSessionOptions(OnnxExecution.ResolveDevice(gpuDeviceId, fallbackToCpu));
        try
        {
            _session = new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"Not a loadable ONNX model: {e.Message}", e);
        }

        try
        {
            Info = GeneratorModelInfo.From(_session);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>Gets what the model's metadata says about it.</summary>
    public GeneratorModelInfo Info { get; }

    /// <summary>Gets K, the number of levels.</summary>
    public int Levels => Info.Levels;

    /// <summary>Gets the number of CQT bins the model expects.</summary>
    public int Bins => Info.Bins;

    /// <summary>Generates controls.</summary>
    /// <param name="cqt">CQT tensor values <c>[batch, 2, bins, frames]</c>, row-major.</param>
    /// <param name="batch">The batch size.</param>
    /// <param name="frames">The number of frames T.</param>
    /// <param name="options">Mode, temperature, seed, sample count, dropout.</param>
    /// <returns>Controls <c>[SampleCount * batch, 4, frames]</c>, sample-major.</returns>
    public float[] Generate(float[] cqt, int batch, int frames, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(cqt);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (batch < 1 || frames < 1 || cqt.Length != (long)batch * 2 * Bins * frames)
        {
            throw new ArgumentException($"Expected {batch} x 2 x {Bins} x {frames} CQT values (batch and frames at least 1), got {cqt.Length}.", nameof(cqt));
        }

        if (Array.Exists(cqt, v => !float.IsFinite(v)))
        {
            throw new ArgumentException("The CQT contains NaN or infinite values.", nameof(cqt));
        }

        var input = NamedOnnxValue.CreateFromTensor("cqt", new DenseTensor<float>(cqt, new[] { batch, 2, Bins, frames }));
        var temperature = NamedOnnxValue.CreateFromTensor("temperature", new DenseTensor<float>(new[] { (float)options.Temperature }, new[] { 1 }));
        int count = batch * 4 * Levels * frames, perSample = batch * 4 * frames;
        int tokens = Info.Tokens(frames);
        var controls = new float[options.SampleCount * perSample];
        for (int s = 0; s < options.SampleCount; s++)
        {
            var inputs = new List<NamedOnnxValue> { input, temperature };
            if (options.NoiseFor(s, count) is float[] noise)
            {
                inputs.Add(NamedOnnxValue.CreateFromTensor("gumbel", new DenseTensor<float>(noise, new[] { batch, 4, Levels, frames })));
            }

            if (options.DropoutMaskFor(s, checked(Info.Depth * batch * tokens * Info.MlpDim)) is float[] mask)
            {
                inputs.Add(NamedOnnxValue.CreateFromTensor("dropout_mask", new DenseTensor<float>(mask, new[] { Info.Depth, batch, tokens, Info.MlpDim })));
            }

            using var results = _session.Run(inputs, new[] { "controls" });
            results.First().AsTensor<float>().ToArray().CopyTo(controls, s * perSample);
        }

        return controls;
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();
}
