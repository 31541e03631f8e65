namespace CqtMl.Cli.Tests.Commands;

public class GeneratorCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-gen-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableFact]
    public void TheRuleBasedBaselineFitsOnTheMusicNetFixtureAndGeneratesLikeAGenerator()
    {
        string? musicnet = FindMusicNet();
        Skip.If(musicnet is null, "../shared/fixtures/musicnet is not present next to this checkout.");
        string outDir = Path.Combine(_dir, "rules");
        var (code, stdout, err) = Cli.Run("train-generator", "--data", musicnet!, "--out", outDir, "--preset", "rules", "--synthetic", "0");
        Assert.True(code == 0, err);
        Assert.Contains("register F1", stdout);
        using (var metrics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json"))))
        {
            Assert.Equal("rules", metrics.RootElement.GetProperty("preset").GetString());
            Assert.Equal(4, metrics.RootElement.GetProperty("thresholds").GetArrayLength());
            Assert.InRange(metrics.RootElement.GetProperty("validation_register_f1").GetDouble(), 0.05, 1);
        }

        // It is used as any generator is: deterministic and stochastic generation.
        string wav = Directory.EnumerateFiles(Path.Combine(musicnet!, "test_data")).First();
        foreach (string[] mode in new[] { Array.Empty<string>(), new[] { "--mode", "stochastic", "--seed", "2", "--temperature", "1.2" } })
        {
            string npy = Path.Combine(_dir, "rules.npy");
            (code, _, err) = Cli.Run(new[] { "generate", wav, "--model", Path.Combine(outDir, "generator.onnx"), "--out", npy, "--duration", "2" }.Concat(mode).ToArray());
            Assert.True(code == 0, err);
            Assert.True(new FileInfo(npy).Length > 128);
        }
    }

    [SkippableFact]
    public void TrainThenGenerateOnTheMusicNetFixture()
    {
        string? musicnet = FindMusicNet();
        Skip.If(musicnet is null, "../shared/fixtures/musicnet is not present next to this checkout.");
        string outDir = Path.Combine(_dir, "model");
        var (code, stdout, err) = Cli.Run("train-generator", "--data", musicnet!, "--out", outDir, "--epochs", "1", "--steps-per-epoch", "2", "--seed", "4");
        Assert.True(code == 0, err);
        Assert.Contains("register F1", stdout);
        foreach (string file in new[] { "generator.onnx", "generator.safetensors", "checkpoint.bin", "metrics.json", "training-curve.png" })
        {
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        }

        // The per-register counts (ONNX Runtime, float model) add up to the overall F1 (TorchSharp) and to the test
        // recording's 4 x T frames.
        using (var metrics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json"))))
        {
            System.Text.Json.JsonElement root = metrics.RootElement;
            Assert.Equal(24, root.GetProperty("synthetic_pieces").GetInt32());
            var registers = root.GetProperty("per_register").EnumerateArray().ToList();
            Assert.Equal(4, registers.Count);
            long tp = registers.Sum(r => r.GetProperty("true_positives").GetInt64()), fp = registers.Sum(r => r.GetProperty("false_positives").GetInt64()), fn = registers.Sum(r => r.GetProperty("false_negatives").GetInt64());
            Assert.Equal(root.GetProperty("validation_register_f1").GetDouble(), 2.0 * tp / ((2.0 * tp) + fp + fn), 3);
            Assert.True(tp + fn > 0 && tp + fp + fn <= 4 * (1 + (12L * 22050 / 64)));
        }

        string wav = Path.Combine(musicnet!, "test_data", "9004.wav");
        string npy = Path.Combine(_dir, "controls.npy");
        (code, _, err) = Cli.Run("generate", wav, "--model", Path.Combine(outDir, "generator.onnx"), "--out", npy, "--mode", "stochastic", "--samples", "3", "--seed", "9", "--png", Path.Combine(_dir, "controls.png"));
        Assert.True(code == 0, err);
        var (shape, data) = Cli.ReadNpy(npy);
        long frames = 1 + (12L * 22050 / 64);
        Assert.Equal(new long[] { 3, 4, frames }, shape);
        Assert.All(data, v => Assert.InRange(v, 0f, 1f));

        // Same seed, same output; the stochastic samples differ from each other.
        string again = Path.Combine(_dir, "again.npy");
        Assert.Equal(0, Cli.Run("generate", wav, "--model", Path.Combine(outDir, "generator.onnx"), "--out", again, "--mode", "stochastic", "--samples", "3", "--seed", "9").Code);
        Assert.Equal(data, Cli.ReadNpy(again).Data);
        Assert.NotEqual(data[..(int)(4 * frames)], data[(int)(4 * frames)..(int)(8 * frames)]);

        // Resume continues from the checkpoint.
        (code, stdout, err) = Cli.Run("train-generator", "--data", musicnet!, "--out", outDir, "--epochs", "2", "--steps-per-epoch", "2", "--seed", "4", "--resume");
        Assert.True(code == 0, err);
    }

    [Fact]
    public void TrainGeneratorReportsBadUsage()
    {
        foreach (string[] bad in new[] { new[] { "--epochs", "0" }, new[] { "--batch-size", "0" }, new[] { "--synthetic", "-1" }, new[] { "--preset", "huge" }, new[] { "--precision", "float16" } })
        {
            var (code, _, err) = Cli.Run(new[] { "train-generator", "--data", _dir, "--out", Path.Combine(_dir, "m") }.Concat(bad).ToArray());
            Assert.True(code == 2, $"{string.Join(' ', bad)}: exit {code}, {err}");
        }

        Assert.Equal(1, Cli.Run("train-generator", "--data", Path.Combine(_dir, "missing"), "--out", Path.Combine(_dir, "m")).Code);
    }

    [Fact]
    public void GenerateReportsBadUsageAndMissingModels()
    {
        string wav = Path.Combine(_dir, "a.wav");
        CqtMl.Audio.IO.WavWriter.WriteFloat32(wav, 22050, new float[2000]);
        Assert.Equal(1, Cli.Run("generate", wav, "--model", Path.Combine(_dir, "missing.onnx"), "--out", Path.Combine(_dir, "x.npy")).Code);
        Assert.Equal(2, Cli.Run("generate", wav, "--model", "m.onnx", "--out", "x.npy", "--temperature", "0").Code);
        // Dropout needs the stochastic mode and p < 1.
        Assert.Equal(2, Cli.Run("generate", wav, "--model", "m.onnx", "--out", "x.npy", "--dropout", "0.2").Code);
        Assert.Equal(2, Cli.Run("generate", wav, "--model", "m.onnx", "--out", "x.npy", "--mode", "stochastic", "--dropout", "1").Code);
        Assert.Equal(2, Cli.Run("generate", wav, "--model", "m.onnx", "--out", "x.npy", "--mode", "wild").Code);
        string notModel = Path.Combine(_dir, "not.onnx");
        File.WriteAllText(notModel, "not a model");
        var (code, _, err) = Cli.Run("generate", wav, "--model", notModel, "--out", Path.Combine(_dir, "x.npy"));
        Assert.Equal(1, code);
        Assert.Contains("ONNX", err);
    }

    [Fact]
    public void StochasticGenerationWithDropoutReproducesInFreshProcessesAndMatchesTorchSharp()
    {
        string wav = Path.Combine(_dir, "tone.wav");
        float[] tone = Enumerable.Range(0, 16000).Select(i => (float)(0.3 * Math.Sin(2 * Math.PI * 220 * i / 22050) * (1 + Math.Sin(i / 900.0)))).ToArray();
        CqtMl.Audio.IO.WavWriter.WriteFloat32(wav, 22050, tone);
        TorchSharp.torch.manual_seed(21);
        using var model = new CqtMl.Torch.Generator.CqtVisionTransformer(CqtMl.Torch.Generator.GeneratorConfig.Demo with { Depth = 2 });
        string onnx = Path.Combine(_dir, "generator.onnx");
        File.WriteAllBytes(onnx, CqtMl.Torch.Export.GeneratorOnnxExporter.Export(model, new CqtMl.Audio.Cqt.CqtOptions(), "demo"));

        string[] Arguments(string output) => new[] { "generate", wav, "--model", onnx, "--out", output, "--mode", "stochastic", "--temperature", "1.3", "--seed", "77", "--samples", "2", "--dropout", "0.2" };
        float[] first = RunFreshProcess(Arguments(Path.Combine(_dir, "first.npy")), Path.Combine(_dir, "first.npy"));
        float[] second = RunFreshProcess(Arguments(Path.Combine(_dir, "second.npy")), Path.Combine(_dir, "second.npy"));
        Assert.Equal(first, second);

        // The same CQT, seed, temperature and dropout in TorchSharp give the same controls.
        var extractor = new CqtMl.Audio.Cqt.CqtExtractor(new CqtMl.Audio.Cqt.CqtOptions());
        float[] cqt = extractor.ComputeTensor(new[] { tone });
        int frames = cqt.Length / (2 * 84);
        using var input = TorchSharp.torch.tensor(cqt, 1, 2, 84, frames);
        var options = new CqtMl.Onnx.Generation.GenerationOptions { Mode = CqtMl.Onnx.Generation.GenerationMode.Stochastic, Temperature = 1.3, Seed = 77, SampleCount = 2, Dropout = 0.2 };
        Assert.Equal(CqtMl.Torch.Generator.ControlSampler.Generate(model, input, options), first);
        Assert.NotEqual(CqtMl.Torch.Generator.ControlSampler.Generate(model, input, options with { Dropout = 0 }), first);
    }

    [SkippableFact]
    public void RunKilledAndResumedInANewProcessEndsWithTheSameWeightsAsAnUninterruptedOne()
    {
        string? musicnet = FindMusicNet();
        Skip.If(musicnet is null, "../shared/fixtures/musicnet is not present next to this checkout.");
        string killed = Path.Combine(_dir, "killed"), whole = Path.Combine(_dir, "whole");
        string[] Train(string outDir, bool resume) => new[] { "train-generator", "--data", musicnet!, "--out", outDir, "--epochs", "3", "--steps-per-epoch", "15", "--seed", "6" }.Concat(resume ? new[] { "--resume" } : Array.Empty<string>()).ToArray();

        // Kill the first process as soon as its first checkpoint exists, then resume in a new process.
        using (var process = System.Diagnostics.Process.Start(FreshProcess(Train(killed, resume: false)))!)
        {
            string checkpoint = Path.Combine(killed, "checkpoint.bin");
            while (!File.Exists(checkpoint) && !process.HasExited)
            {
                Thread.Sleep(20);
            }

            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        Assert.False(File.Exists(Path.Combine(killed, "generator.onnx")), "the first run finished before it could be killed");
        RunFreshProcess(Train(killed, resume: true), null);
        RunFreshProcess(Train(whole, resume: false), null);
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "generator.safetensors")), File.ReadAllBytes(Path.Combine(killed, "generator.safetensors")));

        // The int8 variant of a trained model picks the float32 model's level almost everywhere. Its weights are 7-bit,
        // so ONNX Runtime computes the same integer sums on every CPU (GeneratorInt8ExportTests checks the AVX2 path).
        using var metrics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(whole, "metrics.json")));
        double agreement = metrics.RootElement.GetProperty("int8_control_agreement").GetDouble();
        Assert.True(agreement >= 0.995, $"int8 controls equal float32 on {agreement:P2}");
    }

    private static System.Diagnostics.ProcessStartInfo FreshProcess(string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cqtml.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static float[] RunFreshProcess(string[] arguments, string? output)
    {
        using var process = System.Diagnostics.Process.Start(FreshProcess(arguments))!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, errors);
        return output is null ? Array.Empty<float>() : Cli.ReadNpy(output).Data;
    }

    private static string? FindMusicNet()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "fixtures", "musicnet");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
