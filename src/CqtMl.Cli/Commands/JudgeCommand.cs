using System.CommandLine;
using CqtMl.Preferences.Comparisons;
using CqtMl.Preferences.Judges;

namespace CqtMl.Cli.Commands;

/// <summary><c>cqtml judge --judge onset --pairs in.parquet --data root --out out.parquet</c>: labels every pair with a built-in judge.</summary>
internal static class JudgeCommand
{
    public static Command Create(TextWriter stdout)
    {
        var judge = new Option<string>("--judge") { Description = "The judge: " + string.Join("; ", PreferenceJudging.BuiltIn.Select(j => $"{j.Name} ({j.Description})")) + ".", Required = true };
        judge.AcceptOnlyFromAmong(PreferenceJudging.BuiltIn.Select(j => j.Name).ToArray());
        var pairs = new Option<string>("--pairs") { Description = "Comparison dataset (Parquet).", Required = true };
        var data = new Option<string>("--data") { Description = "The folder the pairs' sources are relative to.", Required = true };
        var output = new Option<string>("--out") { Description = "Labelled dataset (may be the input).", Required = true };
        var command = new Command("judge", "Label every pair of a comparison dataset with a programmatic judge.\nExample: cqtml judge --judge register-energy --pairs pairs.parquet --data music/ --out labelled.parquet") { judge, pairs, data, output };
        command.SetAction(parse =>
        {
            IPreferenceJudge chosen = PreferenceJudging.Named(parse.GetRequiredValue(judge));
            string outPath = parse.GetRequiredValue(output), dataRoot = parse.GetRequiredValue(data);
            if (!Directory.Exists(dataRoot))
            {
                throw new DirectoryNotFoundException($"{dataRoot}: data folder not found");
            }

            IReadOnlyDictionary<PreferenceLabel, long> counts = DatasetJudging.Judge(parse.GetRequiredValue(pairs), dataRoot, chosen, outPath);
            stdout.WriteLine($"cqtml judge ({chosen.Name}): a {counts[PreferenceLabel.A]}, b {counts[PreferenceLabel.B]}, tie {counts[PreferenceLabel.Tie]} -> {Path.GetFullPath(outPath)}");
            return Program.Success;
        });
        return command;
    }
}
