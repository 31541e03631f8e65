using System.Diagnostics;

namespace CqtMl.Cli;

/// <summary>
/// Shows the libraries' traced warnings on the command's standard error as <c>cqtml: warning: ...</c> lines: skipped
/// tracks, junk skipped in an audio file, a CUDA request that fell back to the CPU. With <c>--verbose</c> other traced
/// lines (ONNX Runtime's log) are shown too. The target writer flows with the run's execution context, so runs in
/// parallel (as in the tests) each see their own warnings.
/// </summary>
internal sealed class ConsoleWarnings : TraceListener
{
    private static readonly ConsoleWarnings Instance = new();
    private static readonly AsyncLocal<Target?> Current = new();
    private static readonly object Gate = new();

    /// <summary>Sends traced warnings to <paramref name="stderr"/> until the returned scope is disposed.</summary>
    public static IDisposable Capture(TextWriter stderr, bool verbose)
    {
        lock (Gate)
        {
            if (!Trace.Listeners.Contains(Instance))
            {
                Trace.Listeners.Add(Instance);
            }
        }

        Target? previous = Current.Value;
        Current.Value = new Target(stderr, verbose);
        return new Scope(previous);
    }

    /// <inheritdoc/>
    public override void TraceEvent(TraceEventCache? eventCache, string source, TraceEventType eventType, int id, string? message)
    {
        if (Current.Value is Target target && eventType <= TraceEventType.Warning)
        {
            string kind = eventType == TraceEventType.Warning ? "warning" : "error";
            lock (target.Writer)
            {
                target.Writer.WriteLine($"cqtml: {kind}: {message?.ReplaceLineEndings(" ")}");
            }
        }
    }

    /// <inheritdoc/>
    public override void TraceEvent(TraceEventCache? eventCache, string source, TraceEventType eventType, int id, string? format, params object?[]? args) =>
        TraceEvent(eventCache, source, eventType, id, args is null ? format : string.Format(System.Globalization.CultureInfo.InvariantCulture, format ?? string.Empty, args));

    /// <inheritdoc/>
    public override void Write(string? message)
    {
        // Only whole lines are shown.
    }

    /// <inheritdoc/>
    public override void WriteLine(string? message)
    {
        if (Current.Value is Target { Verbose: true } target)
        {
            lock (target.Writer)
            {
                target.Writer.WriteLine($"cqtml: {message?.ReplaceLineEndings(" ")}");
            }
        }
    }

    private sealed record Target(TextWriter Writer, bool Verbose);

    private sealed class Scope(Target? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
