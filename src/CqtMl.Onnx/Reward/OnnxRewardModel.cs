using CqtMl.Onnx.Runtime;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CqtMl.Onnx.Reward;

/// <summary>
/// Runs an exported reward model (<c>reward.onnx</c>) in ONNX Runtime, batched: rewards for rows of (CQT, controls),
/// or for many samples of one clip. Sessions are thread-safe; one instance may serve several threads.
/// </summary>
public sealed class OnnxRewardModel : IDisposable
{
    /// <summary>The default rows per ONNX Runtime call in <see cref="ScoreSamples"/>.</summary>
    public const int DefaultBatchSize = 16;

    private readonly InferenceSession _session;
    private readonly string _source;

    /// <summary>Loads a reward model.</summary>
    /// <param name="model">The ONNX file's bytes.</param>
    /// <param name="gpuDeviceId">A CUDA device, or null for the CPU.</param>
    /// <param name="fallbackToCpu">Whether to fall back to the CPU (logged) when CUDA cannot be used.</param>
    /// <param name="source">The model file (or another name) for error messages.</param>
    /// <exception cref="InvalidDataException">Not a loadable ONNX model, or not a CqtMl reward model.</exception>
    public OnnxRewardModel(byte[] model, int? gpuDeviceId = null, bool fallbackToCpu = false, string source = "model")
    {
        ArgumentNullException.ThrowIfNull(model);
        using SessionOptions options = OnnxExecution.CreateSessionOptions(OnnxExecution.ResolveDevice(gpuDeviceId, fallbackToCpu));
        _source = source;
        _session = OnnxExecution.LoadSession(model, options, source);
        try
        {
            Info = RewardModelInfo.From(_session, source);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>Gets what the model's metadata says about it.</summary>
    public RewardModelInfo Info { get; }

    /// <summary>Loads the reward model at <paramref name="path"/>, or the shipped default reward model when it is null.</summary>
    /// <param name="path">A <c>reward.onnx</c> file, or null.</param>
    /// <returns>The model.</returns>
    public static OnnxRewardModel LoadOrShipped(string? path) =>
        path is null ? new OnnxRewardModel(Models.ShippedModels.Reward, source: Models.ShippedModels.Source) : Load(path);

    /// <summary>Loads a reward model file.</summary>
    /// <param name="path">The <c>reward.onnx</c> file.</param>
    /// <param name="gpuDeviceId">A CUDA device, or null for the CPU.</param>
    /// <param name="fallbackToCpu">Whether to fall back to the CPU (logged) when CUDA cannot be used.</param>
    /// <returns>The model.</returns>
    public static OnnxRewardModel Load(string path, int? gpuDeviceId = null, bool fallbackToCpu = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: model file not found", path);
        }

        return new OnnxRewardModel(File.ReadAllBytes(path), gpuDeviceId, fallbackToCpu, path);
    }

    /// <summary>Scores a batch of rows.</summary>
    /// <param name="cqt">CQTs <c>[batch, 2, bins, frames]</c>, row-major.</param>
    /// <param name="controls">Controls <c>[batch, 4, frames]</c>, row-major.</param>
    /// <param name="batch">The batch size.</param>
    /// <param name="frames">T.</param>
    /// <returns>One reward per row.</returns>
    public float[] Score(float[] cqt, float[] controls, int batch, int frames)
    {
        ArgumentNullException.ThrowIfNull(cqt);
        ArgumentNullException.ThrowIfNull(controls);
        Check(cqt, controls, batch, frames);
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor(RewardContract.CqtInput, new DenseTensor<float>(cqt, new[] { batch, RewardContract.InputChannels, Info.Bins, frames })),
            NamedOnnxValue.CreateFromTensor(RewardContract.ControlsInput, new DenseTensor<float>(controls, new[] { batch, RewardContract.Registers, frames })),
        };
        try
        {
            using var results = _session.Run(inputs, new[] { RewardContract.RewardOutput });
            return results.First().AsTensor<float>().ToArray();
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{_source}: the reward model failed to run ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    /// <summary>Scores many samples of one clip, <paramref name="batchSize"/> rows per ONNX Runtime call.</summary>
    /// <param name="cqt">The clip's CQT <c>[2, bins, frames]</c>.</param>
    /// <param name="controls">Samples <c>[N, 4, frames]</c>.</param>
    /// <param name="frames">T.</param>
    /// <param name="batchSize">Rows per call.</param>
    /// <returns>N rewards.</returns>
    public float[] ScoreSamples(float[] cqt, float[] controls, int frames, int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(cqt);
        ArgumentNullException.ThrowIfNull(controls);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        int perSample = RewardContract.Registers * frames;
        if (frames < 1 || controls.Length == 0 || controls.Length % perSample != 0)
        {
            throw new ArgumentException($"Expected controls [N, {RewardContract.Registers}, {frames}] (N >= 1), got {controls.Length} values.", nameof(controls));
        }

        int n = controls.Length / perSample;
        var rewards = new float[n];
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            var repeated = new float[count * cqt.Length];
            for (int i = 0; i < count; i++)
            {
                cqt.CopyTo(repeated, i * cqt.Length);
            }

            Score(repeated, controls.AsSpan(start * perSample, count * perSample).ToArray(), count, frames).CopyTo(rewards, start);
        }

        return rewards;
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();

    private void Check(float[] cqt, float[] controls, int batch, int frames)
    {
        if (batch < 1 || frames < 1 || cqt.Length != (long)batch * RewardContract.InputChannels * Info.Bins * frames)
        {
            throw new ArgumentException($"Expected {batch} x {RewardContract.InputChannels} x {Info.Bins} x {frames} CQT values (batch and frames at least 1), got {cqt.Length}.", nameof(cqt));
        }

        if (controls.Length != (long)batch * RewardContract.Registers * frames)
        {
            throw new ArgumentException($"Expected {batch} x {RewardContract.Registers} x {frames} control values, got {controls.Length}.", nameof(controls));
        }

        if (frames > Info.MaxFrames)
        {
            throw new ArgumentException($"{frames} frames exceed the model's time-position table ({Info.MaxFrames} frames).", nameof(frames));
        }

        if (Array.Exists(cqt, v => !float.IsFinite(v)) || Array.Exists(controls, v => !float.IsFinite(v)))
        {
            throw new ArgumentException("The CQT or the controls contain NaN or infinite values.");
        }
    }
}
