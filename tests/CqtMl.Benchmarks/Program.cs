using System.Globalization;
using BenchmarkDotNet.Running;

namespace CqtMl.Benchmarks;

/// <summary>
/// Runs the benchmarks: <c>dotnet run -c Release --project tests/CqtMl.Benchmarks -- --filter '*'</c> (BenchmarkDotNet),
/// or <c>-- paired [rounds]</c> for <see cref="PairedGeneratorComparison"/>.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    /// <param name="args">BenchmarkDotNet arguments, or <c>paired [rounds]</c>.</param>
    public static void Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] == "paired")
        {
            PairedGeneratorComparison.Run(Console.Out, args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
