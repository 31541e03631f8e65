using System.Globalization;

namespace CqtMl.Cli;

/// <summary>The process's memory use, for <c>--timings</c>.</summary>
internal static class ProcessMemory
{
    /// <summary>The process's peak resident set (VmHWM) in MB, or NaN where /proc is not available.</summary>
    public static double PeakResidentMegabytes()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return double.NaN;
        }

        string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
