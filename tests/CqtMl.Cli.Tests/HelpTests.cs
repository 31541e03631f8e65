namespace CqtMl.Cli.Tests;

/// <summary>Every command's --help shows an example of its use.</summary>
public class HelpTests
{
    /// <summary>Every command that runs something (subcommands of label and experiment one by one).</summary>
    public static TheoryData<string[]> Commands { get; } = new()
    {
        new[] { "cqt" }, new[] { "demo" }, new[] { "train-generator" }, new[] { "generate" }, new[] { "compare" },
        new[] { "judge" }, new[] { "label", "import" }, new[] { "label", "serve" }, new[] { "train-reward" },
        new[] { "score" }, new[] { "train-dpo" }, new[] { "evaluate" }, new[] { "improve" }, new[] { "serve" },
        new[] { "experiment", "init" }, new[] { "experiment", "run" }, new[] { "extract" }, new[] { "export-serving" }, new[] { "export" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void HelpShowsAnExample(string[] command)
    {
        var (code, stdout, err) = Cli.Run(command.Append("--help").ToArray());
        Assert.True(code == 0, err);
        Assert.Contains($"Example: cqtml {string.Join(' ', command)} ", stdout, StringComparison.Ordinal);
    }
}
