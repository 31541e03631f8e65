using System.CommandLine;
using CqtMl.Cli.Demo;
using CqtMl.Preferences.Judges;

namespace CqtMl.Cli.Commands;

/// <summary>
/// <c>cqtml demo</c>: the main job on built-in data: synthesized, labelled music -> CQT -> controls from the shipped
/// generator -> comparison pairs -> a judge -> reward scores -> best-of-N, written as a report folder (see <see cref="DemoRunner"/>).
/// </summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter stdout)
    {
        var output = new Option<string>("--out") { Description = "Report folder.", DefaultValueFactory = _ => "cqtml-demo" };
        var data = new Option<string?>("--data") { Description = "Your data instead of the built-in music: a MusicNet-layout root (labels give the register F1), an FMA-layout root or any folder of audio." };
        var train = new Option<bool>("--train") { Description = "Train the generator and the reward model from scratch (a few minutes) instead of using the shipped ones, and compare them with the shipped ones." };
        var judge = new Option<string>("--judge") { Description = $"The built-in judge that labels the pairs: {string.Join(", ", PreferenceJudging.BuiltIn.Select(j => j.Name))}.", DefaultValueFactory = _ => DemoOptions.DefaultJudge };
        judge.AcceptOnlyFromAmong(PreferenceJudging.BuiltIn.Select(j => j.Name).ToArray());
        var seed = new Option<long>("--seed") { CustomParser = CliNumbers.ParseLong, Description = "Seed of the clips and samples.", DefaultValueFactory = _ => 1 };
        var command = new Command("demo", "Run the whole chain on built-in music and write a report: CQT, controls, comparison pairs, judge, reward, best-of-N, an ML.NET model.\nExample: cqtml demo --out cqtml-demo") { output, data, train, judge, seed };
        command.SetAction((parse, cancellation) => Task.FromResult(DemoRunner.Run(
            new DemoOptions { OutDir = parse.GetValue(output)!, DataRoot = parse.GetValue(data), Train = parse.GetValue(train), Judge = parse.GetValue(judge)!, Seed = parse.GetValue(seed) },
            stdout,
            Program.ProgressWriter(parse, stdout),
            cancellation)));
        return command;
    }
}
