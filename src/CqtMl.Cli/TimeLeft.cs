using System.Diagnostics;
using System.Globalization;

namespace CqtMl.Cli;

/// <summary>Estimates the time a long job has left from the time its finished parts took (for progress lines).</summary>
internal sealed class TimeLeft(int total)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Formats "N/total, ~m:ss left" after <paramref name="done"/> parts (no estimate before the first part).</summary>
    public string After(int done)
    {
        if (done <= 0 || total <= 0)
        {
            return $"{done}/{total}";
        }

        TimeSpan left = TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds / done * Math.Max(0, total - done));
        return string.Create(CultureInfo.InvariantCulture, $"{done}/{total}, ~{(int)left.TotalMinutes}:{left.Seconds:D2} left");
    }
}
