using System.Diagnostics;
using System.Text.Json.Nodes;
using CqtMl.MLNet.DataSources;

namespace CqtMl.Cli.Tests.Experiments;

/// <summary>
/// <c>cqtml experiment init / run</c>: the experiment file and its validation, and a run of each task whose generated
/// C# code compiles in a fresh project and predicts what the CLI computes.
/// </summary>
public sealed class ExperimentCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-experiment-").FullName;

    public ExperimentCommandTests()
    {
        Data = Path.Combine(_dir, "data");
        SyntheticMusicNet.Write(Data, trainPieces: 2, testPieces: 1, seconds: 3);
    }

    private string Data { get; }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void InitWritesTheTasksDefaultsAndRunNamesEveryBadField()
    {
        var (code, stdout, err) = Cli.Run("experiment", "init", "my-reward", "--task", "reward", "--data", Data, "--out", _dir);
        Assert.True(code == 0, err);
        string path = Path.Combine(_dir, "my-reward.cqtml.json");
        Assert.Contains(path, stdout);
        JsonNode spec = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal("reward", (string?)spec["task"]);
        Assert.Equal(Data, (string?)spec["data"]); // an absolute root stays absolute; a relative one is kept relative to the file
        Assert.Equal("register-energy", (string?)spec["judge"]);
        Assert.Equal(22050, (int)spec["cqt"]!["sample_rate"]!);
        Assert.Equal(4, (int)spec["training"]!["epochs"]!);

        spec["task"] = "painting";
        spec["training"]!["epochs"] = 0;
        spec["cqt"]!["hop_length"] = -64;
        spec["judge"] = "loudness";
        File.WriteAllText(path, spec.ToJsonString());
        (code, _, err) = Cli.Run("experiment", "run", path);
        Assert.Equal(1, code);
        Assert.All(new[] { "task: 'painting'", "training: epochs", "cqt:", "judge: 'loudness'" }, f => Assert.Contains(f, err, StringComparison.Ordinal));

        File.WriteAllText(path, "{\"name\": \"x\", \"task\": \"generator\", \"data\": \"data\", \"colour\": \"blue\"}");
        (code, _, err) = Cli.Run("experiment", "run", path);
        Assert.Equal(1, code);
        Assert.Contains("colour", err, StringComparison.Ordinal);
        Assert.Equal(2, Cli.Run("experiment", "init", "x", "--task", "sculpture", "--data", Data).Code);
    }

    [Fact]
    public void BothTasksRunAndTheirGeneratedCodeCompilesInAFreshProjectAndPredicts()
    {
        string generatorSpec = Init("tiny-gen", "generator", s => s["training"] = new JsonObject { ["epochs"] = 1, ["steps_per_epoch"] = 2, ["batch_size"] = 4 });
        string rewardSpec = Init("tiny-reward", "reward", s =>
        {
            s["training"] = new JsonObject { ["epochs"] = 1, ["batch_size"] = 4 };
            s["clips"] = 4;
            s["clip_seconds"] = 1;
        });
        var (code, _, err) = Cli.Run("experiment", "run", generatorSpec);
        Assert.True(code == 0, err);
        (code, _, err) = Cli.Run("experiment", "run", rewardSpec);
        Assert.True(code == 0, err);

        string gen = Path.Combine(_dir, "TinyGen"), reward = Path.Combine(_dir, "TinyReward");
        foreach (string file in new[] { "TinyGen.mlnet.zip", "TinyGen.consumption.cs", "TinyGen.training.cs", "metrics.json", "generator/generator.onnx" })
        {
            Assert.True(File.Exists(Path.Combine(gen, file)), file);
        }

        JsonNode metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(reward, "metrics.json")))!;
        Assert.Equal("register-energy", (string?)metrics["judge"]);
        Assert.True(File.Exists(Path.Combine(reward, "reward", "reward.onnx")));
        Assert.Contains("public float[] Reward", File.ReadAllText(Path.Combine(reward, "TinyReward.consumption.cs")), StringComparison.Ordinal);

        // A fresh project outside the repository with both experiments' generated code.
        string app = Directory.CreateDirectory(Path.Combine(_dir, "app")).FullName;
        foreach (string file in Directory.GetFiles(gen, "*.cs").Concat(Directory.GetFiles(reward, "*.cs")))
        {
            File.Copy(file, Path.Combine(app, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{Path.Combine(RepositoryRoot(), "src", "CqtMl.MLNet.Torch", "CqtMl.MLNet.Torch.csproj")}" />
                <None Include="{Path.Combine(gen, "TinyGen.mlnet.zip")}" CopyToOutputDirectory="PreserveNewest" Link="TinyGen.mlnet.zip" />
                <None Include="{Path.Combine(reward, "TinyReward.mlnet.zip")}" CopyToOutputDirectory="PreserveNewest" Link="TinyReward.mlnet.zip" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using CqtMlExperiments;
            var controls = TinyGen.Predict(new TinyGen.ModelInput { Path = args[0] }).Controls;
            File.WriteAllText(args[1], string.Join(",", controls.Select(c => c.ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
            var scored = TinyReward.Predict(new TinyReward.ModelInput { Path = args[0] });
            Console.WriteLine($"reward {scored.Reward.Length} {scored.Controls.Length}");
            """);
        Run("dotnet", app, "build", "-c", "Debug", "--nologo", "-v", "q");
        string wav = Directory.GetFiles(Path.Combine(Data, "test_data"), "*.wav").Single();
        string csv = Path.Combine(_dir, "predicted.csv");
        string output = Run("dotnet", app, "run", "--no-build", "--", wav, csv);

        // The generated Predict gives the controls cqtml generate computes with the experiment's generator.
        string npy = Path.Combine(_dir, "expected.npy");
        (code, _, err) = Cli.Run("generate", wav, "--model", Path.Combine(gen, "generator", "generator.onnx"), "--out", npy);
        Assert.True(code == 0, err);
        float[] expected = Cli.ReadNpy(npy).Data;
        float[] predicted = File.ReadAllText(csv).Split(',').Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(expected, predicted);
        Assert.Contains($"reward 1 {expected.Length}", output, StringComparison.Ordinal);
    }

    private string Init(string name, string task, Action<JsonNode> edit)
    {
        var (code, _, err) = Cli.Run("experiment", "init", name, "--task", task, "--data", Data, "--out", _dir);
        Assert.True(code == 0, err);
        string path = Path.Combine(_dir, name + ".cqtml.json");
        JsonNode spec = JsonNode.Parse(File.ReadAllText(path))!;
        edit(spec);
        File.WriteAllText(path, spec.ToJsonString());
        return path;
    }

    private static string Run(string program, string directory, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)}: {stdout.Result}\n{stderr}");
        return stdout.Result;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CqtMl.MLNet.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("the repository root was not found above the test's folder");
    }
}
