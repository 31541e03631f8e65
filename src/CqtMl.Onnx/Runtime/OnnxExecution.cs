using Microsoft.ML.OnnxRuntime;

namespace CqtMl.Onnx.Runtime;

/// <summary>
/// Chooses where ONNX Runtime runs: the CPU by default, CUDA when a device id is given and usable. When CUDA cannot
/// be used, either falls back to the CPU with a logged warning or fails with an error that says why.
/// </summary>
public static class OnnxExecution
{
    /// <summary>
    /// Decides the device: returns <paramref name="gpuDeviceId"/> when CUDA works for it, null for the CPU.
    /// </summary>
    /// <param name="gpuDeviceId">The requested CUDA device, or null for the CPU.</param>
    /// <param name="fallbackToCpu">Whether a CUDA failure falls back to the CPU instead of throwing.</param>
    /// <param name="log">Receives the fallback warning; null writes it to <see cref="System.Diagnostics.Trace"/>.</param>
    /// <returns>The device to use, or null for the CPU.</returns>
    /// <exception cref="InvalidOperationException">CUDA was requested, is not usable, and fallback is off.</exception>
    public static int? ResolveDevice(int? gpuDeviceId, bool fallbackToCpu, Action<string>? log = null)
    {
        if (gpuDeviceId is not int device)
        {
            return null;
        }

        if (device < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(gpuDeviceId), device, "The GPU device id must not be negative.");
        }

        string? problem = CudaProblem(device);
        if (problem is null)
        {
            return device;
        }

        if (!fallbackToCpu)
        {
            throw new InvalidOperationException($"CUDA device {device} cannot be used by ONNX Runtime: {problem}. Set FallbackToCpu to run on the CPU instead.");
        }

        string message = $"CUDA device {device} cannot be used by ONNX Runtime ({problem}); falling back to the CPU.";
        if (log is null)
        {
            System.Diagnostics.Trace.TraceWarning(message);
        }
        else
        {
            log(message);
        }

        return null;
    }

    /// <summary>Creates session options for the device <see cref="ResolveDevice"/> chose.</summary>
    /// <param name="device">A CUDA device, or null for the CPU.</param>
    /// <returns>Session options (the caller disposes them).</returns>
    public static SessionOptions CreateSessionOptions(int? device)
    {
        OnnxRuntimeLog.EnsureEnvironment();
        // Errors only: the optional generator inputs (initializers that double as inputs) draw a warning per session.
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        if (device is int id)
        {
            options.AppendExecutionProvider_CUDA(id);
        }

        return options;
    }

    /// <summary>Loads ONNX Runtime's CUDA provider library the way ONNX Runtime would, to learn why it fails.</summary>
    private static string? DiagnoseCudaProvider()
    {
        string name = OperatingSystem.IsWindows() ? "onnxruntime_providers_cuda.dll" : "libonnxruntime_providers_cuda.so";
        string rid = OperatingSystem.IsWindows() ? "win-x64" : "linux-x64";
        string? path = new[] { Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native", name), Path.Combine(AppContext.BaseDirectory, name) }.FirstOrDefault(File.Exists);
        if (path is null)
        {
            return $"ONNX Runtime's CUDA provider library {name} is not beside the application (build against Microsoft.ML.OnnxRuntime.Gpu and copy its native files)";
        }

        try
        {
            System.Runtime.InteropServices.NativeLibrary.Free(System.Runtime.InteropServices.NativeLibrary.Load(path));
            return null;
        }
        catch (DllNotFoundException e)
        {
            // The loader's message ends with dlerror(): "... libcublasLt.so.13: cannot open shared object file: ...".
            string detail = e.Message.ReplaceLineEndings(" ");
            var missing = System.Text.RegularExpressions.Regex.Match(detail, @"(\S+): cannot open shared object file");
            string reason = missing.Success ? $"{missing.Groups[1].Value} is missing (cannot open shared object file)" : detail;
            return $"{name} cannot be loaded: {reason} (the CUDA provider needs CUDA 13 and cuDNN 9 on the library path)";
        }
    }

    /// <summary>
    /// Creates a CPU session without graph optimisation, only to read a model's metadata and signature (the model
    /// readers' <c>Read</c> methods): cheaper than a scoring session.
    /// </summary>
    /// <param name="model">The ONNX bytes.</param>
    /// <param name="source">The model file (or another name) for error messages.</param>
    /// <returns>The session.</returns>
    /// <exception cref="InvalidDataException">ONNX Runtime cannot load the bytes.</exception>
    public static InferenceSession LoadForInspection(byte[] model, string source)
    {
        using SessionOptions options = CreateSessionOptions(null);
        options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
        return LoadSession(model, options, source);
    }

    /// <summary>
    /// Creates a session from a model's bytes, turning ONNX Runtime's load errors (not a model, a truncated file, an
    /// unknown operator) into an <see cref="InvalidDataException"/> that names <paramref name="source"/>.
    /// </summary>
    /// <param name="model">The ONNX bytes.</param>
    /// <param name="options">Session options.</param>
    /// <param name="source">The model file (or another name) for error messages.</param>
    /// <returns>The session.</returns>
    /// <exception cref="InvalidDataException">ONNX Runtime cannot load the bytes.</exception>
    public static InferenceSession LoadSession(byte[] model, SessionOptions options, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        OnnxRuntimeLog.EnsureEnvironment();
        if (model.Length == 0)
        {
            throw new InvalidDataException($"{source}: not a loadable ONNX model (empty file)");
        }

        try
        {
            return new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{source}: not a loadable ONNX model ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    /// <summary>
    /// Says why ONNX Runtime cannot use CUDA device <paramref name="device"/> here (for example which CUDA library is
    /// missing), or returns null when it can.
    /// </summary>
    /// <param name="device">The CUDA device id.</param>
    /// <returns>The reason, or null.</returns>
    public static string? CudaProblem(int device)
    {
        OnnxRuntimeLog.EnsureEnvironment();
        if (!OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"))
        {
            return "this ONNX Runtime build has no CUDA execution provider (reference Microsoft.ML.OnnxRuntime.Gpu for CUDA)";
        }

        try
        {
            // The GPU build lists CUDA even without a GPU; appending the provider is what fails then.
            using var options = new SessionOptions();
            options.AppendExecutionProvider_CUDA(device);
            return null;
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            // ONNX Runtime only says that the provider library failed to load; the loader knows which file was missing.
            return DiagnoseCudaProvider() ?? e.Message.Split('\n')[0];
        }
    }
}
