namespace CqtMl.Cli.Tests;

/// <summary>Every command's --help shows an example of its use.</summary>
public class HelpTests
{
    [Theory]
    [InlineData("cqt")]
    [InlineData("demo")]
    [InlineData("train-generator")]
    [InlineData("generate")]
    [InlineData("compare")]
    [InlineData("judge")]
    [InlineData("label", "import")]
    [InlineData("label", "serve")]
    [InlineData("train-reward")]
    [InlineData("score")]
    [InlineData("train-dpo")]
    [InlineData("evaluate")]
    [InlineData("improve")]
    [InlineData("serve")]
    [InlineData("experiment", "init")]
    [InlineData("experiment", "run")]
    public void HelpShowsAnExample(params string[] command)
    {
        var (code, stdout, err) = Cli.Run(command.Append("--help").ToArray());
        Assert.True(code == 0, err);
        Assert.Contains($"Example: cqtml {string.Join(' ', command)} ", stdout, StringComparison.Ordinal);
    }
}
