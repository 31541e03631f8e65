using System.Diagnostics;
using System.Globalization;

namespace CqtMl.Cli.Demo;

/// <summary>
/// The demo's progress on the console: one numbered line per step, then what it gave and how long it took (to
/// <paramref name="progress"/>, which <c>--quiet</c> silences); the summary goes to <paramref name="stdout"/>.
/// </summary>
internal sealed class DemoConsole(TextWriter stdout, TextWriter progress, int steps)
{
    private readonly Stopwatch _total = Stopwatch.StartNew();
    private int _step;

    /// <summary>Gets the seconds since the demo started.</summary>
    public double ElapsedSeconds => _total.Elapsed.TotalSeconds;

    /// <summary>Runs one step: prints its title, runs it and prints its one-line result and time.</summary>
    public T Step<T>(string title, Func<T> run, Func<T, string> describe)
    {
        _step++;
        progress.WriteLine($"[{_step}/{steps}] {title} ...");
        var clock = Stopwatch.StartNew();
        T result = run();
        progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      {describe(result)} ({clock.Elapsed.TotalSeconds:F1} s)"));
        return result;
    }

    /// <summary>Prints a line of the summary.</summary>
    public void Line(string text) => stdout.WriteLine(text);
}
