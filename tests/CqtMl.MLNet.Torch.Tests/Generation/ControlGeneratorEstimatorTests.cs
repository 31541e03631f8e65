using System.Diagnostics;
using CqtMl.Audio.IO;
using CqtMl.Onnx.Generation;
using CqtMl.Preferences.Policies;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CqtMl.MLNet.Torch.Tests.Generation;

/// <summary>GenerateControls in ML.NET pipelines against the batched ONNX Runtime scorer, save/load and bad inputs.</summary>
public class ControlGeneratorEstimatorTests(GeneratorFixture fixture) : IClassFixture<GeneratorFixture>
{
    // ML.NET's copies of loaded models' ONNX graphs go to the fixture's folder: a loaded model a test does not dispose leaves nothing.
    private readonly MLContext _ml = new(seed: 1) { TempFilePath = fixture.Directory };

    public static IEnumerable<object[]> Modes() => new[]
    {
        new object[] { GenerationMode.Deterministic, 1.0, 0.0, 1 },
        new object[] { GenerationMode.Stochastic, 1.5, 0.0, 3 },
        new object[] { GenerationMode.Stochastic, 0.7, 0.2, 2 },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public void PipelineMatchesTheBatchedScorerRowByRow(GenerationMode mode, double temperature, double dropout, int samples)
    {
        var rows = new[] { new CqtRow { Cqt = GeneratorFixture.Cqt(37, 1) }, new CqtRow { Cqt = GeneratorFixture.Cqt(100, 2) } };
        IDataView data = _ml.Data.LoadFromEnumerable(rows);
        var options = new ControlGeneratorEstimator.Options { ModelPath = fixture.ModelPath, Mode = mode, Temperature = temperature, Dropout = dropout, SampleCount = samples, Seed = 42 };
        float[][] controls = _ml.Transforms.GenerateControls(options).Fit(data).Transform(data).GetColumn<float[]>("Controls").ToArray();

        using var scorer = new OnnxControlGenerator(File.ReadAllBytes(fixture.ModelPath));
        var generation = new GenerationOptions { Mode = mode, Temperature = temperature, Dropout = dropout, SampleCount = samples, Seed = 42 };
        for (int i = 0; i < rows.Length; i++)
        {
            int frames = rows[i].Cqt.Length / (2 * 84);
            Assert.Equal(samples * 4 * frames, controls[i].Length);
            Assert.Equal(scorer.Generate(rows[i].Cqt, 1, frames, generation), controls[i]);
            Assert.All(controls[i], v => Assert.InRange(v, 0f, 1f));
        }

        if (samples > 1 && mode == GenerationMode.Stochastic)
        {
            int perSample = controls[0].Length / samples;
            Assert.NotEqual(controls[0][..perSample], controls[0][perSample..(2 * perSample)]);
        }
    }

    [Theory]
    [InlineData(GenerationMode.Deterministic, 1.0)]
    [InlineData(GenerationMode.Stochastic, 1.2)]
    public void TheRuleBasedBaselineRunsInThePipelineLikeAGenerator(GenerationMode mode, double temperature)
    {
        var rules = new[] { new RegisterRule(0.3, 0.05), new RegisterRule(0.35, 0.05), new RegisterRule(0.4, 0.1), new RegisterRule(0.3, 0.05) };
        byte[] model = RegisterRules.Export(rules, new CqtMl.Audio.Cqt.CqtOptions());
        var rows = new[] { new CqtRow { Cqt = GeneratorFixture.Cqt(37, 1) }, new CqtRow { Cqt = GeneratorFixture.Cqt(60, 2) } };
        IDataView data = _ml.Data.LoadFromEnumerable(rows);
        var options = new ControlGeneratorEstimator.Options { Mode = mode, Temperature = temperature, SampleCount = 2, Seed = 5 };
        float[][] controls = _ml.Transforms.GenerateControls(options, model).Fit(data).Transform(data).GetColumn<float[]>("Controls").ToArray();

        using var scorer = new OnnxControlGenerator(model, source: "rules");
        var generation = new GenerationOptions { Mode = mode, Temperature = temperature, SampleCount = 2, Seed = 5 };
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(scorer.Generate(rows[i].Cqt, 1, rows[i].Cqt.Length / (2 * 84), generation), controls[i]);
        }
    }

    [Fact]
    public void LogitsColumnHoldsTheGraphLogitsWhoseArgmaxIsTheDeterministicControl()
    {
        float[] cqt = GeneratorFixture.Cqt(21, 4);
        IDataView data = _ml.Data.LoadFromEnumerable(new[] { new CqtRow { Cqt = cqt } });
        var options = new ControlGeneratorEstimator.Options { ModelPath = fixture.ModelPath, LogitsColumnName = "Logits" };
        IDataView scored = _ml.Transforms.GenerateControls(options).Fit(data).Transform(data);
        float[] logits = scored.GetColumn<float[]>("Logits").Single();
        float[] controls = scored.GetColumn<float[]>("Controls").Single();
        const int frames = 21, levels = 16;
        Assert.Equal(4 * levels * frames, logits.Length);
        for (int c = 0; c < 4; c++)
        {
            for (int t = 0; t < frames; t++)
            {
                int best = Enumerable.Range(0, levels).MaxBy(k => logits[(((c * levels) + k) * frames) + t]);
                Assert.Equal(best / 15f, controls[(c * frames) + t], 6);
            }
        }
    }

    [Fact]
    public void SavedStochasticPipelineReproducesInFreshProcesses()
    {
        // CQT + generator in one saved pipeline, run on an audio path by two fresh processes.
        string wav = Path.Combine(fixture.Directory, "tone.wav");
        WavWriter.WriteFloat32(wav, 22050, Enumerable.Range(0, 11025).Select(i => (float)(0.4 * Math.Sin(2 * Math.PI * 330 * i / 22050))).ToArray());
        IDataView data = _ml.Data.LoadFromEnumerable(new[] { new PathRow { Audio = wav } });
        var generation = new ControlGeneratorEstimator.Options { ModelPath = fixture.ModelPath, Mode = GenerationMode.Stochastic, Temperature = 1.3, Seed = 9, SampleCount = 2, Dropout = 0.1 };
        var pipeline = _ml.Transforms.ExtractCqt("Cqt", "Audio").Append(_ml.Transforms.GenerateControls(generation));
        ITransformer model = pipeline.Fit(data);
        float[] inProcess = model.Transform(data).GetColumn<float[]>("Controls").Single();
        string zip = Path.Combine(fixture.Directory, "generator-pipeline.zip");
        _ml.Model.Save(model, data.Schema, zip);

        float[] first = RunInFreshProcess(zip, wav, "Controls", Path.Combine(fixture.Directory, "first.f32"));
        float[] second = RunInFreshProcess(zip, wav, "Controls", Path.Combine(fixture.Directory, "second.f32"));
        Assert.Equal(inProcess, first);
        Assert.Equal(first, second);

        var loaded = _ml.Model.Load(zip, out _);
        var other = _ml.Transforms.ExtractCqt("Cqt", "Audio").Append(_ml.Transforms.GenerateControls(new ControlGeneratorEstimator.Options { ModelPath = fixture.ModelPath, Mode = GenerationMode.Stochastic, Temperature = 1.3, Seed = 10, SampleCount = 2, Dropout = 0.1 })).Fit(data);
        Assert.Equal(inProcess, loaded.Transform(data).GetColumn<float[]>("Controls").Single());
        Assert.NotEqual(inProcess, other.Transform(data).GetColumn<float[]>("Controls").Single());
    }

    [Theory]
    [InlineData(2 * 83 * 10, "bin counts")]
    [InlineData(0, "T >= 1")]
    [InlineData(-1, "NaN")]
    public void BadRowsFailWithAClearMessage(int length, string expected)
    {
        float[] cqt = length >= 0 ? new float[length] : GeneratorFixture.Cqt(10, 3);
        if (length < 0)
        {
            cqt[5] = float.NaN;
        }

        IDataView data = _ml.Data.LoadFromEnumerable(new[] { new CqtRow { Cqt = cqt } });
        ITransformer model = _ml.Transforms.GenerateControls(modelPath: fixture.ModelPath).Fit(data);
        Exception error = Assert.ThrowsAny<Exception>(() => model.Transform(data).GetColumn<float[]>("Controls").ToArray());
        string messages = string.Join(" | ", Flatten(error).Select(e => e.Message));
        Assert.Contains(expected == "bin counts" ? "channel and bin counts" : expected, messages);
    }

    [Fact]
    public void MissingOrWrongModelFilesAreRejected()
    {
        Assert.Throws<FileNotFoundException>(() => _ml.Transforms.GenerateControls(modelPath: Path.Combine(fixture.Directory, "missing.onnx")));
        string garbage = Path.Combine(fixture.Directory, "garbage.onnx");
        File.WriteAllBytes(garbage, new byte[] { 1, 2, 3, 4, 5 });
        Assert.StartsWith(garbage + ": not a loadable ONNX model", Assert.Throws<InvalidDataException>(() => _ml.Transforms.GenerateControls(modelPath: garbage)).Message);
        string cqtModel = Path.Combine(fixture.Directory, "cqt.onnx");
        File.WriteAllBytes(cqtModel, CqtMl.Onnx.Cqt.CqtOnnxModel.Build(new CqtMl.Audio.Cqt.CqtOptions(), CqtMl.Onnx.Cqt.CqtOnnxInput.Mono, null, "pcm", "cqt"));
        InvalidDataException wrongKind = Assert.Throws<InvalidDataException>(() => _ml.Transforms.GenerateControls(modelPath: cqtModel));
        Assert.StartsWith(cqtModel + ": not a CqtMl generator", wrongKind.Message);
    }

    [Fact]
    public void InputColumnOfTheWrongTypeIsRejectedAtFit()
    {
        IDataView data = _ml.Data.LoadFromEnumerable(new[] { new PathRow { Audio = "x.wav" } });
        var estimator = _ml.Transforms.GenerateControls("Controls", "Audio", fixture.ModelPath);
        Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        Assert.Throws<ArgumentException>(() => _ml.Transforms.GenerateControls(new ControlGeneratorEstimator.Options { ModelPath = fixture.ModelPath, Dropout = 0.3 }));
    }

    /// <summary>Scores <paramref name="audio"/> with the saved model in a fresh process and returns the column's values.</summary>
    internal static float[] RunInFreshProcess(string zip, string audio, string column, string output)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in new[] { ModelRunner(), zip, audio, column, output })
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, errors);
        byte[] bytes = File.ReadAllBytes(output);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    internal static string ModelRunner()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory);
        string runner = Path.Combine(testBin.Parent!.Parent!.Parent!.Parent!.FullName, "CqtMl.MLNet.ModelRunner", "bin", testBin.Parent.Name, testBin.Name, "CqtMl.MLNet.ModelRunner.dll");
        Assert.True(File.Exists(runner), $"model runner not built at {runner}");
        return runner;
    }

    public sealed class CqtRow
    {
        public float[] Cqt { get; set; } = Array.Empty<float>();
    }

    public sealed class PathRow
    {
        public string Audio { get; set; } = string.Empty;
    }
}
