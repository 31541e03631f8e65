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
    private readonly string _source;

    /// <summary>Loads a generator model.</summary>
    /// <param name="model">The ONNX file's bytes.</param>
    /// <param name="gpuDeviceId">A CUDA device, or null for the CPU.</param>
    /// <param name="fallbackToCpu">Whether to fall back to the CPU (logged) when CUDA cannot be used.</param>
    /// <param name="source">The model file (or another name) for error messages.</param>
    /// <exception cref="InvalidDataException">Not a loadable ONNX model, or not a CqtMl generator; the message names <paramref name="source"/>.</exception>
    public OnnxControlGenerator(byte[] model, int? gpuDeviceId = null, bool fallbackToCpu = false, string source = "model")
    {
        ArgumentNullException.ThrowIfNull(model);
        using SessionOptions options = OnnxExecution.CreateSessionOptions(OnnxExecution.ResolveDevice(gpuDeviceId, fallbackToCpu));
        _source = source;
        _session = OnnxExecution.LoadSession(model, options, source);
        try
        {
            Info = GeneratorModelInfo.From(_session, source);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>Loads the generator at <paramref name="path"/>, or the shipped default generator when it is null.</summary>
    /// <param name="path">A <c>generator.onnx</c> file, or null.</param>
    /// <returns>The generator.</returns>
    public static OnnxControlGenerator LoadOrShipped(string? path) =>
        path is null ? new OnnxControlGenerator(Models.ShippedModels.Generator, source: Models.ShippedModels.Source) : Load(path);

    /// <summary>Loads a generator model file.</summary>
    /// <param name="path">The <c>generator.onnx</c> file.</param>
    /// <param name="gpuDeviceId">A CUDA device, or null for the CPU.</param>
    /// <param name="fallbackToCpu">Whether to fall back to the CPU (logged) when CUDA cannot be used.</param>
    /// <returns>The generator.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Not a loadable ONNX model, or not a CqtMl generator; the message names the file.</exception>
    public static OnnxControlGenerator Load(string path, int? gpuDeviceId = null, bool fallbackToCpu = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw new InvalidDataException($"{path}: is a folder, not an ONNX model file");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: model file not found", path);
        }

        return new OnnxControlGenerator(File.ReadAllBytes(path), gpuDeviceId, fallbackToCpu, path);
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
        if (batch < 1 || frames < 1 || cqt.Length != (long)batch * GeneratorContract.InputChannels * Bins * frames)
        {
            throw new ArgumentException($"Expected {batch} x {GeneratorContract.InputChannels} x {Bins} x {frames} CQT values (batch and frames at least 1), got {cqt.Length}.", nameof(cqt));
        }

        if (Array.Exists(cqt, v => !float.IsFinite(v)))
        {
            throw new ArgumentException("The CQT contains NaN or infinite values.", nameof(cqt));
        }

        // An optional input (one with a default) is listed among the overridable initializers, not the inputs.
        if (options.Mode == GenerationMode.Stochastic && options.Dropout > 0 && !_session.InputMetadata.ContainsKey(GeneratorContract.DropoutMaskInput) && !_session.OverridableInitializerMetadata.ContainsKey(GeneratorContract.DropoutMaskInput))
        {
            throw new ArgumentException($"{_source}: this generator has no network to drop units from (a rule-based model?); sample it without dropout.", nameof(options));
        }

        var input = NamedOnnxValue.CreateFromTensor(GeneratorContract.CqtInput, new DenseTensor<float>(cqt, new[] { batch, GeneratorContract.InputChannels, Bins, frames }));
        var temperature = NamedOnnxValue.CreateFromTensor(GeneratorContract.TemperatureInput, new DenseTensor<float>(new[] { (float)options.Temperature }, new[] { 1 }));
        int perSample = batch * GeneratorContract.Registers * frames;
        int tokens = Info.Tokens(frames);
        var controls = new float[options.SampleCount * perSample];
        for (int s = 0; s < options.SampleCount; s++)
        {
            var inputs = new List<NamedOnnxValue> { input, temperature };
            if (options.NoiseFor(s, batch, Levels, frames, Info.Cqt.FrameRate) is float[] noise)
            {
                inputs.Add(NamedOnnxValue.CreateFromTensor(GeneratorContract.GumbelInput, new DenseTensor<float>(noise, new[] { batch, GeneratorContract.Registers, Levels, frames })));
            }

            if (options.DropoutMaskFor(s, checked(Info.Depth * batch * tokens * Info.MlpDim)) is float[] mask)
            {
                inputs.Add(NamedOnnxValue.CreateFromTensor(GeneratorContract.DropoutMaskInput, new DenseTensor<float>(mask, new[] { Info.Depth, batch, tokens, Info.MlpDim })));
            }

            try
            {
                using var results = _session.Run(inputs, new[] { GeneratorContract.ControlsOutput });
                results.First().AsTensor<float>().ToArray().CopyTo(controls, s * perSample);
            }
            catch (OnnxRuntimeException e)
            {
                throw new InvalidDataException($"{_source}: the generator model failed to run ({e.Message.ReplaceLineEndings(" ")})", e);
            }
        }

        return controls;
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();
}
