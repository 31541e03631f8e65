namespace CqtMl.Tests.Shared;

/// <summary>
/// Finds and runs tools/pytorch/cqt_vit.py and cqt_reward.py, the PyTorch twins of the generator and the reward model, with a Python that has torch and numpy
/// (<c>CQTML_TORCH_PYTHON</c>, else python3 or /usr/bin/python3; Debian: apt-get install python3-torch).
/// </summary>
public static class PyTorchTwin
{
    public const string MissingReason = "No Python with torch and numpy: install Debian's python3-torch or set CQTML_TORCH_PYTHON.";

    private static readonly Lazy<string?> PythonPath = new(FindPython);

    /// <summary>Gets the Python that has torch and numpy, or null.</summary>
    public static string? Python => PythonPath.Value;

    /// <summary>Runs one subcommand of the script (forward, export, bench, train-step) and returns what it printed.</summary>
    /// <exception cref="InvalidOperationException">No such Python, or the script exited non-zero (its output is in the message).</exception>
    public static string Run(params string[] args) => RunScript("cqt_vit.py", args);

    /// <summary>Runs one subcommand of the reward model's twin (forward).</summary>
    public static string RunReward(params string[] args) => RunScript("cqt_reward.py", args);

    /// <summary>Runs tools/pytorch/train_ddp.py (distributed training of the generator) and returns its output.</summary>
    public static string RunDistributedTraining(params string[] args) => RunScript("train_ddp.py", args);

    /// <summary>Runs tools/pytorch/train_reward_ddp.py (the reward model's DDP training) with the given arguments.</summary>
    public static string RunRewardTraining(params string[] args) => RunScript("train_reward_ddp.py", args);

    private static string RunScript(string script, string[] args)
    {
        string python = Python ?? throw new InvalidOperationException(MissingReason);
        // A training run of the tests takes seconds; a rank that never exits fails the test instead of holding up the suite.
        var (code, output) = ChildProcess.Run(python, new[] { FindScript(script) }.Concat(args), TimeSpan.FromMinutes(10));
        return code == 0 ? output : throw new InvalidOperationException($"{script} {args[0]} exited with {code}: {output}");
    }

    private static string? FindPython()
    {
        string? configured = Environment.GetEnvironmentVariable("CQTML_TORCH_PYTHON");
        foreach (string candidate in string.IsNullOrEmpty(configured) ? new[] { "python3", "/usr/bin/python3" } : new[] { configured })
        {
            try
            {
                if (ChildProcess.Run(candidate, new[] { "-c", "import torch, numpy" }).Code == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // No program of that name: try the next one.
            }
        }

        return null;
    }

    private static string FindScript(string script)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tools", "pytorch", script);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"tools/pytorch/{script} not found above " + AppContext.BaseDirectory);
    }
}
