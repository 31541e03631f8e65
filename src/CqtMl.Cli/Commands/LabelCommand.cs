using System.CommandLine;
using CqtMl.Cli.Labelling;
using CqtMl.Cli.Serving;
using CqtMl.Preferences.Labels;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace CqtMl.Cli.Commands;

/// <summary>
/// <c>cqtml label import --pairs in.parquet --labels labels.csv --out out.parquet</c>: labels made elsewhere;
/// <c>cqtml label serve --pairs pairs.parquet --data root</c>: labels given by ear in a local web page.
/// </summary>
internal static class LabelCommand
{
    /// <summary>The labelling page's default port (the API's is <see cref="ServeOptions.DefaultPort"/>).</summary>
    public const int DefaultLabelPort = 5181;

    /// <summary>The judge name labels given on the page get unless another is given.</summary>
    public const string DefaultLabeller = "human";

    public static Command Create(TextWriter stdout)
    {
        var pairs = new Option<string>("--pairs") { Description = "Comparison dataset (Parquet).", Required = true };
        var labels = new Option<string>("--labels") { Description = "CSV with the header pair_id,label and labels a, b or tie.", Required = true };
        var output = new Option<string>("--out") { Description = "Labelled dataset (may be the input).", Required = true };
        var judge = new Option<string>("--judge") { Description = "Name recorded in the judge column.", DefaultValueFactory = _ => LabelImport.DefaultJudge };
        var import = new Command("import", "Import labels from a CSV file (pair_id,label) into a comparison dataset.\nExample: cqtml label import --pairs pairs.parquet --labels labels.csv --out labelled.parquet") { pairs, labels, output, judge };
        import.SetAction(parse =>
        {
            string outPath = parse.GetRequiredValue(output);
            int count = LabelImport.Import(parse.GetRequiredValue(pairs), parse.GetRequiredValue(labels), outPath, parse.GetValue(judge)!);
            stdout.WriteLine($"cqtml label import: {count} labels -> {Path.GetFullPath(outPath)}");
            return Program.Success;
        });
        var servePairs = new Option<string>("--pairs") { Description = "Comparison dataset (Parquet) to label; labels are merged into it.", Required = true };
        var data = new Option<string>("--data") { Description = "The folder the pairs' sources are relative to.", Required = true };
        var host = new Option<string>("--host") { Description = "The address to bind; 127.0.0.1 (this machine only) unless told otherwise.", DefaultValueFactory = _ => ServeOptions.DefaultHost };
        var port = new Option<int>("--port") { CustomParser = CliNumbers.ParseInt, Description = "The port (0 picks a free one).", DefaultValueFactory = _ => DefaultLabelPort };
        var labeller = new Option<string>("--labeller") { Description = "Name recorded in the judge column of the labels given.", DefaultValueFactory = _ => DefaultLabeller };
        var serve = new Command("serve", "Label pairs by ear in a local web page: the clip plays, the CQT shows with A's and B's controls; keys a / b / t / s / u.\nExample: cqtml label serve --pairs pairs.parquet --data music/, then open http://127.0.0.1:5181") { servePairs, data, host, port, labeller };
        serve.SetAction(async (parse, cancellation) =>
        {
            using var session = new LabelSession(parse.GetRequiredValue(servePairs), parse.GetRequiredValue(data), parse.GetValue(labeller)!);
            await using WebApplication app = LabelServer.Build(session, parse.GetValue(host)!, parse.GetValue(port));
            await app.StartAsync(cancellation);
            LabelState state = session.State();
            stdout.WriteLine($"cqtml label serve: {state.Labelled} of {state.Total} pairs labelled; open {string.Join(", ", app.Urls)} (labels: {session.JournalPath}, merged into {session.PairsPath}; Ctrl+C stops)");
            await app.WaitForShutdownAsync(cancellation);
            return Program.Success;
        });
        return new Command("label", "Work with labels made by people or other tools.") { import, serve };
    }
}
