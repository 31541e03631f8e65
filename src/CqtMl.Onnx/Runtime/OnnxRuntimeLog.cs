using Microsoft.ML.OnnxRuntime;

namespace CqtMl.Onnx.Runtime;

/// <summary>
/// Routes ONNX Runtime's own log lines (which it would otherwise print, coloured, straight to the console) through
/// the project: the process-wide ONNX Runtime environment is created with a logging callback that hands each line to
/// <see cref="Sink"/> (default: <see cref="System.Diagnostics.Trace"/>). Every session the project creates goes
/// through <see cref="EnsureEnvironment"/> first. If another component created the environment earlier, its logging
/// stays as that component set it.
/// </summary>
public static class OnnxRuntimeLog
{
    private static readonly object Gate = new();

    // Kept in a field: the native library calls it for the life of the process.
    private static readonly DOrtLoggingFunction Callback = Forward;

    /// <summary>Gets or sets where ONNX Runtime's messages go: (severity, text). Null writes them to Trace.</summary>
    public static Action<OrtLoggingLevel, string>? Sink { get; set; }

    /// <summary>Creates the ONNX Runtime environment with the project's logging, once per process.</summary>
    public static void EnsureEnvironment()
    {
        if (OrtEnv.IsCreated)
        {
            return;
        }

        lock (Gate)
        {
            if (OrtEnv.IsCreated)
            {
                return;
            }

            var options = new EnvironmentCreationOptions
            {
                logId = "cqtml",
                logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                loggingFunction = Callback,
            };
            OrtEnv.CreateInstanceWithOptions(ref options);
        }
    }

    private static void Forward(IntPtr param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        string text = $"onnxruntime {severity switch { OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL => "fatal", OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR => "error", OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING => "warning", _ => "info" }}: {message}";
        if (Sink is Action<OrtLoggingLevel, string> sink)
        {
            sink(severity, text);
        }
        else
        {
            System.Diagnostics.Trace.WriteLine(text);
        }
    }
}
