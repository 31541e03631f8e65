using System.Globalization;
using BenchmarkDotNet.Running;

namespace CqtMl.Benchmarks;

/// <summary>
/// Runs the benchmarks: <c>dotnet run -c Release --project tests/CqtMl.Benchmarks -- --filter '*'</c> (BenchmarkDotNet),
/// or <c>-- paired [rounds] [frames,...] [batches,...]</c> for <see cref="PairedGeneratorComparison"/>, or
/// <c>-- int8 [model-dir audio...]</c> for <see cref="Int8Accuracy"/>, or <c>-- coherence generator.onnx audio...</c>
/// for <see cref="CoherenceMeasurement"/>, or <c>-- reward-speed reward-dir [frames] [samples]</c> for
/// <see cref="RewardScoringSpeed"/>, or <c>-- policy-speed frames batch model.onnx ...</c> for <see cref="PolicySpeed"/>,
/// or <c>-- serve-load cqtml.dll audio [seconds] [clip-seconds]</c> for <see cref="ServeLoad"/>, or <c>-- frontend
/// audio...</c> for <see cref="FrontEndThroughput"/>.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    /// <param name="args">BenchmarkDotNet arguments, or <c>paired [rounds] [frames,...] [batches,...]</c>.</param>
    public static void Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] == "paired")
        {
            static int[] List(string[] args, int index, params int[] defaults) =>
                args.Length > index ? args[index].Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray() : defaults;
            PairedGeneratorComparison.Run(Console.Out, List(args, 1, 30)[0], List(args, 2, 344, 1723), List(args, 3, 1, 8));
            return;
        }

        if (args.Length > 0 && args[0] == "int8")
        {
            Int8Accuracy.Run(Console.Out, args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "reward-speed")
        {
            RewardScoringSpeed.Run(Console.Out, args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "policy-speed")
        {
            PolicySpeed.Run(Console.Out, args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "frontend")
        {
            FrontEndThroughput.Run(Console.Out, args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "dataset")
        {
            DatasetThroughput.Run(Console.Out, args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "serve-load")
        {
            ServeLoad.Run(Console.Out, args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "coherence")
        {
            CoherenceMeasurement.Run(Console.Out, args[1..]);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
