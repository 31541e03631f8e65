using System.CommandLine;
using CqtMl.Audio.Decoding;
using CqtMl.Cli.Commands;

namespace CqtMl.Cli;

/// <summary>
/// The <c>cqtml</c> command line tool. Exit codes: 0 success, 1 bad input (a file that cannot be read or decoded),
/// 2 bad usage. Errors are one line on stderr naming the file and the problem; <c>--verbose</c> adds the stack trace.
/// </summary>
public static class Program
{
    /// <summary>Exit code for success.</summary>
    public const int Success = 0;

    /// <summary>Exit code for bad input.</summary>
    public const int BadInput = 1;

    /// <summary>Exit code for bad usage.</summary>
    public const int BadUsage = 2;

    /// <summary>The flag every command takes to print only results and errors.</summary>
    internal const string QuietFlag = "--quiet";

    /// <summary>Where a command writes its progress lines: standard output, or nowhere with <c>--quiet</c>.</summary>
    /// <param name="parse">The command line.</param>
    /// <param name="stdout">Standard output.</param>
    /// <returns>The writer.</returns>
    internal static TextWriter ProgressWriter(ParseResult parse, TextWriter stdout) => parse.GetValue<bool>(QuietFlag) ? TextWriter.Null : stdout;

    /// <summary>Runs the tool.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <returns>The exit code.</returns>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the tool with the given output writers (used by tests).</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var verbose = new Option<bool>("--verbose") { Description = "Print stack traces with errors.", Recursive = true };
        var quiet = new Option<bool>(QuietFlag) { Description = "Print only results and errors, no progress lines.", Recursive = true };
        var root = new RootCommand("cqtml: Constant-Q Transform music ML for .NET.");
        root.Options.Add(verbose);
        root.Options.Add(quiet);
        root.Subcommands.Add(CqtCommand.Create(stdout));
        root.Subcommands.Add(DemoCommand.Create(stdout));
        root.Subcommands.Add(TrainGeneratorCommand.Create(stdout));
        root.Subcommands.Add(GenerateCommand.Create(stdout));
        root.Subcommands.Add(CompareCommand.Create(stdout));
        root.Subcommands.Add(JudgeCommand.Create(stdout));
        root.Subcommands.Add(LabelCommand.Create(stdout));
        root.Subcommands.Add(TrainRewardCommand.Create(stdout));
        root.Subcommands.Add(ScoreCommand.Create(stdout));
        root.Subcommands.Add(TrainDpoCommand.Create(stdout));
        root.Subcommands.Add(EvaluateCommand.Create(stdout, stderr));
        root.Subcommands.Add(ImproveCommand.Create(stdout));
        root.Subcommands.Add(ServeCommand.Create(stdout));
        root.Subcommands.Add(ExperimentCommand.Create(stdout));
        root.Subcommands.Add(ExtractCommand.Create(stdout));
        root.Subcommands.Add(ExportServingCommand.Create(stdout));
        root.Subcommands.Add(ExportCommand.Create(stdout));

        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            string messages = string.Join("; ", parse.Errors.Select(e => string.Join(" ", e.Message.Split(new[] { '\r', '\n', '\t' }, StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim()))));
            stderr.WriteLine($"cqtml: error: {messages} (see cqtml --help)");
            return BadUsage;
        }

        using IDisposable warnings = ConsoleWarnings.Capture(stderr, parse.GetValue(verbose));
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            bool showStack = parse.GetValue(verbose);
            (int code, string message) = e switch
            {
                UsageException u => (BadUsage, u.Message),
                ArgumentException a => (BadUsage, a.Message.Split('\n')[0]),
                AudioFormatException a => (BadInput, a.Message),
                FileNotFoundException f => (BadInput, $"{f.FileName}: file not found"),
                IOException or UnauthorizedAccessException => (BadInput, e.Message),
                InvalidDataException => (BadInput, e.Message),
                InvalidOperationException => (BadInput, e.Message),
                OperationCanceledException => (BadInput, "cancelled"),
                _ => (BadInput, $"{e.GetType().Name}: {e.Message}"),
            };
            stderr.WriteLine($"cqtml: error: {message.ReplaceLineEndings(" ")}");
            if (showStack)
            {
                stderr.WriteLine(e.ToString());
            }

            return code;
        }
    }
}
