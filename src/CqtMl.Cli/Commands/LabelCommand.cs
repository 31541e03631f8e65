using System.CommandLine;
using CqtMl.Preferences.Labels;

namespace CqtMl.Cli.Commands;

/// <summary><c>cqtml label import --pairs in.parquet --labels labels.csv --out out.parquet</c>: labels made elsewhere.</summary>
internal static class LabelCommand
{
    public static Command Create(TextWriter stdout)
    {
        var pairs = new Option<string>("--pairs") { Description = "Comparison dataset (Parquet).", Required = true };
        var labels = new Option<string>("--labels") { Description = "CSV with the header pair_id,label and labels a, b or tie.", Required = true };
        var output = new Option<string>("--out") { Description = "Labelled dataset (may be the input).", Required = true };
        var judge = new Option<string>("--judge") { Description = "Name recorded in the judge column.", DefaultValueFactory = _ => LabelImport.DefaultJudge };
        var import = new Command("import", "Import labels from a CSV file (pair_id,label) into a comparison dataset.") { pairs, labels, output, judge };
        import.SetAction(parse =>
        {
            string outPath = parse.GetRequiredValue(output);
            int count = LabelImport.Import(parse.GetRequiredValue(pairs), parse.GetRequiredValue(labels), outPath, parse.GetValue(judge)!);
            stdout.WriteLine($"cqtml label import: {count} labels -> {Path.GetFullPath(outPath)}");
            return Program.Success;
        });
        return new Command("label", "Work with labels made by people or other tools.") { import };
    }
}
