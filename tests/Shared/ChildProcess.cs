using System.Diagnostics;

namespace CqtMl.Tests.Shared;

/// <summary>Runs a program to completion and returns its exit code and everything it printed.</summary>
public static class ChildProcess
{
    /// <summary>Runs <paramref name="fileName"/> with <paramref name="args"/>; kills it after <paramref name="timeout"/> (exit code -1).</summary>
    public static (int Code, string Output) Run(string fileName, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? Timeout.InfiniteTimeSpan))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{fileName} timed out after {timeout}");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
