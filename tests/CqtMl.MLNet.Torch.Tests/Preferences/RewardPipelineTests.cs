using CqtMl.Audio.Cqt;
using CqtMl.Audio.IO;
using CqtMl.Audio.Music;
using CqtMl.MLNet.Torch.Tests.Generation;
using CqtMl.Onnx.Generation;
using CqtMl.Onnx.Reward;
using CqtMl.Preferences.Comparisons;
using CqtMl.Preferences.Judges;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using CqtMl.Torch.Reward;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;

namespace CqtMl.MLNet.Torch.Tests.Preferences;

/// <summary>
/// Preference learning in ML.NET: LoadComparisons, ScoreReward against the batched scorer and saved/loaded in fresh
/// processes, TrainRewardModel from an IDataView of labelled comparisons.
/// </summary>
public class RewardPipelineTests(GeneratorFixture fixture) : IClassFixture<GeneratorFixture>
{
    // ML.NET's copies of loaded models' ONNX graphs go to the fixture's folder: a loaded model a test does not dispose leaves nothing.
    private readonly MLContext _ml = new(seed: 1) { TempFilePath = fixture.Directory };

    private string RewardModelPath()
    {
        string path = Path.Combine(fixture.Directory, "reward.onnx");
        if (!File.Exists(path))
        {
            torch.manual_seed(8);
            using var model = new RewardModel(RewardConfig.Demo with { Encoder = GeneratorConfig.Demo with { Depth = 1 }, ControlDepth = 1, CrossDepth = 1 });
            File.WriteAllBytes(path, RewardOnnxExporter.Export(model, new CqtOptions(), "demo"));
        }

        return path;
    }

    /// <summary>Three synthetic pieces under data/ and a smoothness-labelled comparison dataset of them.</summary>
    private (string Data, string Pairs) LabelledComparisons()
    {
        string data = Path.Combine(fixture.Directory, "data"), pairs = Path.Combine(fixture.Directory, "labelled.parquet");
        if (!File.Exists(pairs))
        {
            Directory.CreateDirectory(data);
            for (int i = 0; i < 3; i++)
            {
                SyntheticPiece piece = SyntheticMusic.Render(60 + i, 22050, 2);
                WavWriter.WriteFloat32(Path.Combine(data, $"p{i}.wav"), piece.SampleRate, piece.Samples);
            }

            string raw = Path.Combine(fixture.Directory, "pairs.parquet");
            using (var generator = new ComparisonDatasetGenerator(data, fixture.ModelPath, new ComparisonDatasetOptions { Clips = 5, ClipSeconds = 1, PairsPerClip = 2, Seed = 3 }))
            {
                generator.Generate(raw);
            }

            DatasetJudging.Judge(raw, data, new SmoothnessJudge(), pairs);
        }

        return (data, pairs);
    }

    [Fact]
    public void LoadComparisonsGivesTheRowsWithControlsAsVectors()
    {
        (_, string pairs) = LabelledComparisons();
        IDataView view = _ml.Data.LoadComparisons(pairs);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single), view.Schema[nameof(ComparisonRecord.AControls)].Type);
        ComparisonRecord[] records = _ml.Data.CreateEnumerable<ComparisonRecord>(view, reuseRowObject: false).ToArray();
        List<ComparisonRow> rows = ComparisonFile.ReadAll(pairs);
        Assert.Equal(rows.Count, records.Length);
        Assert.Equal(rows.Select(r => r.PairId), records.Select(r => r.PairId));
        Assert.Equal(rows[3].BControls, records[3].BControls);
        Assert.All(records, r => Assert.Equal("smoothness", r.Judge));
        Assert.Throws<FileNotFoundException>(() => _ml.Data.LoadComparisons(Path.Combine(fixture.Directory, "none.parquet")));
    }

    [Fact]
    public void ScoreRewardMatchesTheBatchedScorerForSeveralSamplesPerRow()
    {
        const int Samples = 3;
        var rows = new[] { Row(37, 1, Samples), Row(100, 2, Samples) };
        IDataView data = _ml.Data.LoadFromEnumerable(rows);
        var options = new RewardScoringEstimator.Options { ModelPath = RewardModelPath(), SampleCount = Samples };
        float[][] rewards = _ml.Transforms.ScoreReward(options).Fit(data).Transform(data).GetColumn<float[]>("Reward").ToArray();
        using var scorer = OnnxRewardModel.Load(RewardModelPath());
        for (int i = 0; i < rows.Length; i++)
        {
            int frames = rows[i].Cqt.Length / (2 * 84);
            Assert.Equal(Samples, rewards[i].Length);
            float[] expected = scorer.ScoreSamples(rows[i].Cqt, rows[i].Controls, frames);
            for (int s = 0; s < Samples; s++)
            {
                Assert.Equal(expected[s], rewards[i][s], 5);
            }
        }

        // Controls of the wrong length, or NaN: a clear error.
        var bad = new[] { new ScoringRow { Cqt = rows[0].Cqt, Controls = rows[0].Controls[..^4] } };
        IDataView badData = _ml.Data.LoadFromEnumerable(bad);
        Exception error = Assert.ThrowsAny<Exception>(() => _ml.Transforms.ScoreReward(options).Fit(badData).Transform(badData).GetColumn<float[]>("Reward").ToArray());
        Assert.Contains("expected [3, 4, 37]", Messages(error));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.ScoreReward(options).Fit(_ml.Data.LoadFromEnumerable(new[] { new GeneratorFixtureRow() })));
        Assert.StartsWith(fixture.ModelPath + ": not a CqtMl reward model", Assert.Throws<InvalidDataException>(() => _ml.Transforms.ScoreReward(new RewardScoringEstimator.Options { ModelPath = fixture.ModelPath })).Message);
    }

    [Fact]
    public void ScoreRewardTakesAModelWithFloat16WeightsAndScoresAsOnnxRuntimeDoes()
    {
        // ML.NET's ONNX transform rejects float16 initializers; the estimator widens them first.
        string path = Path.Combine(fixture.Directory, "reward-f16.onnx");
        torch.manual_seed(9);
        using (var model = new RewardModel(RewardConfig.Demo with { Encoder = GeneratorConfig.Demo with { Depth = 1 }, ControlDepth = 1, CrossDepth = 1 }))
        {
            File.WriteAllBytes(path, RewardOnnxExporter.Export(model, new CqtOptions(), "demo", new GeneratorExportOptions { Float16Weights = true }));
        }

        var rows = new[] { Row(64, 4, 2) };
        IDataView data = _ml.Data.LoadFromEnumerable(rows);
        float[] rewards = _ml.Transforms.ScoreReward(new RewardScoringEstimator.Options { ModelPath = path, SampleCount = 2 }).Fit(data).Transform(data).GetColumn<float[]>("Reward").Single();
        using var scorer = OnnxRewardModel.Load(path);
        float[] expected = scorer.ScoreSamples(rows[0].Cqt, rows[0].Controls, 64);
        Assert.Equal(expected[0], rewards[0], 5);
        Assert.Equal(expected[1], rewards[1], 5);
    }

    [Fact]
    public void AudioToCqtToSamplesToRewardsSavesAndRunsInAFreshProcess()
    {
        string wav = Path.Combine(fixture.Directory, "reward-tone.wav");
        WavWriter.WriteFloat32(wav, 22050, Enumerable.Range(0, 11025).Select(i => (float)(0.4 * Math.Sin(2 * Math.PI * 220 * i / 22050))).ToArray());
        IDataView data = _ml.Data.LoadFromEnumerable(new[] { new GeneratorFixturePathRow { Audio = wav } });
        var pipeline = _ml.Transforms.ExtractCqt("Cqt", "Audio")
            .Append(_ml.Transforms.GenerateControls(new ControlGeneratorEstimator.Options { ModelPath = fixture.ModelPath, Mode = GenerationMode.Stochastic, SampleCount = 2, Seed = 4 }))
            .Append(_ml.Transforms.ScoreReward(new RewardScoringEstimator.Options { ModelPath = RewardModelPath(), SampleCount = 2 }));
        ITransformer model = pipeline.Fit(data);
        float[] inProcess = model.Transform(data).GetColumn<float[]>("Reward").Single();
        Assert.Equal(2, inProcess.Length);
        string zip = Path.Combine(fixture.Directory, "reward-pipeline.zip");
        _ml.Model.Save(model, data.Schema, zip);

        float[] fresh = ControlGeneratorEstimatorTests.RunInFreshProcess(zip, wav, "Reward", Path.Combine(fixture.Directory, "rewards.f32"));
        Assert.Equal(inProcess, fresh);
    }

    [Fact]
    public void TrainRewardModelLearnsFromAnIDataViewOfComparisonsAndScoresCqtAndControls()
    {
        (string data, string pairs) = LabelledComparisons();
        IDataView comparisons = _ml.Data.LoadComparisons(pairs);
        var trainer = _ml.Transforms.TrainRewardModel(new RewardModelTrainer.Options
        {
            DataRoot = data,
            Model = RewardConfig.Demo with { Encoder = GeneratorConfig.Demo with { Depth = 1 }, ControlDepth = 1, CrossDepth = 1 },
            Training = new RewardTrainingOptions { Epochs = 2, StepsPerEpoch = 2, BatchSize = 2, ValidationFraction = 0.4 },
        });
        RewardScoringTransformer scorer = trainer.Fit(comparisons);
        Assert.Equal(2, trainer.History.Count);
        Assert.NotNull(trainer.OnnxModel);

        // The returned scorer scores (Cqt, Controls) rows exactly as the exported model does.
        ComparisonRow row = ComparisonFile.ReadAll(pairs)[0];
        (float[] cqt, _) = new ComparisonClips(data, pairs).Get(row);
        IDataView rows = _ml.Data.LoadFromEnumerable(new[] { new ScoringRow { Cqt = cqt, Controls = row.AControls } });
        float reward = scorer.Transform(rows).GetColumn<float[]>("Reward").Single().Single();
        using var onnx = new OnnxRewardModel(scorer.OnnxModel);
        Assert.Equal(onnx.Score(cqt, row.AControls, 1, row.Frames)[0], reward, 5);

        var unlabelled = _ml.Transforms.TrainRewardModel(new RewardModelTrainer.Options { DataRoot = data });
        IDataView raw = _ml.Data.LoadComparisons(Path.Combine(fixture.Directory, "pairs.parquet"));
        Assert.Contains("labelled", Assert.Throws<InvalidOperationException>(() => unlabelled.Fit(raw)).Message);
        Assert.Throws<ArgumentException>(() => _ml.Transforms.TrainRewardModel(new RewardModelTrainer.Options()));
    }

    [Fact]
    public void TrainDpoTunesTheGeneratorFromAnIDataViewOfComparisonsAndGeneratesWithIt()
    {
        (string data, string pairs) = LabelledComparisons();
        IDataView comparisons = _ml.Data.LoadComparisons(pairs);
        var trainer = _ml.Transforms.TrainDpo(new DpoGeneratorTrainer.Options
        {
            GeneratorDirectory = fixture.Directory,
            DataRoot = data,
            Training = new CqtMl.Torch.Dpo.DpoTrainingOptions { Epochs = 2, StepsPerEpoch = 2, BatchSize = 2, LearningRate = 1e-3, ValidationFraction = 0.4, Ties = TiePolicy.Half },
        });
        ControlGeneratorTransformer generator = trainer.Fit(comparisons);
        Assert.Equal(2, trainer.History.Count);
        Assert.NotNull(trainer.OnnxModel);
        Assert.NotEqual(File.ReadAllBytes(fixture.ModelPath), trainer.OnnxModel);

        // The returned transformer generates CQT rows exactly as the tuned model does.
        var rows = new[] { new ScoringRow { Cqt = GeneratorFixture.Cqt(41, 9) } };
        float[] controls = generator.Transform(_ml.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Controls").Single();
        using var onnx = new OnnxControlGenerator(trainer.OnnxModel!);
        Assert.Equal(onnx.Generate(rows[0].Cqt, 1, 41, new GenerationOptions()), controls);

        var unlabelled = _ml.Transforms.TrainDpo(new DpoGeneratorTrainer.Options { GeneratorDirectory = fixture.Directory, DataRoot = data });
        IDataView raw = _ml.Data.LoadComparisons(Path.Combine(fixture.Directory, "pairs.parquet"));
        Assert.Contains("labelled", Assert.Throws<InvalidOperationException>(() => unlabelled.Fit(raw)).Message);
        Assert.Throws<ArgumentException>(() => _ml.Transforms.TrainDpo(new DpoGeneratorTrainer.Options { DataRoot = data }));
        var notAFolder = _ml.Transforms.TrainDpo(new DpoGeneratorTrainer.Options { GeneratorDirectory = data, DataRoot = data });
        Assert.Throws<FileNotFoundException>(() => notAFolder.Fit(comparisons));
    }

    [Fact]
    public void BestOfNKeepsTheSampleTheRewardModelScoresHighestAndSavesAndRunsInAFreshProcess()
    {
        var rows = new[] { new ScoringRow { Cqt = GeneratorFixture.Cqt(45, 3) } };
        IDataView data = _ml.Data.LoadFromEnumerable(rows);
        var options = new BestOfNEstimator.Options { GeneratorModelPath = fixture.ModelPath, RewardModelPath = RewardModelPath(), SampleCount = 5, Temperature = 1.3, Seed = 6, RewardsColumnName = "Rewards" };
        IDataView picked = _ml.Transforms.GenerateBestOfN(options).Fit(data).Transform(data);
        float[] controls = picked.GetColumn<float[]>("Controls").Single();
        float reward = picked.GetColumn<float>("Reward").Single();
        float[] rewards = picked.GetColumn<float[]>("Rewards").Single();

        using var generator = new OnnxControlGenerator(File.ReadAllBytes(fixture.ModelPath));
        using var scorer = OnnxRewardModel.Load(RewardModelPath());
        var generation = new GenerationOptions { Mode = GenerationMode.Stochastic, SampleCount = 5, Temperature = 1.3, Seed = 6 };
        BestOfNResult expected = BestOfN.Generate(generator, scorer, rows[0].Cqt, 45, generation);
        Assert.Equal(expected.Controls, controls);
        Assert.Equal(expected.Reward, reward, 5);
        Assert.Equal(5, rewards.Length);
        Assert.Equal(rewards.Max(), reward);
        float[] all = generator.Generate(rows[0].Cqt, 1, 45, generation);
        Assert.Equal(all.AsSpan(expected.Index * 4 * 45, 4 * 45).ToArray(), controls);

        // A saved audio -> CQT -> best-of-N pipeline picks the same sample in a fresh process.
        string wav = Path.Combine(fixture.Directory, "best-tone.wav");
        WavWriter.WriteFloat32(wav, 22050, Enumerable.Range(0, 8000).Select(i => (float)(0.3 * Math.Sin(2 * Math.PI * 440 * i / 22050))).ToArray());
        IDataView audio = _ml.Data.LoadFromEnumerable(new[] { new GeneratorFixturePathRow { Audio = wav } });
        ITransformer model = _ml.Transforms.ExtractCqt("Cqt", "Audio").Append(_ml.Transforms.GenerateBestOfN(options)).Fit(audio);
        float[] inProcess = model.Transform(audio).GetColumn<float[]>("Controls").Single();
        string zip = Path.Combine(fixture.Directory, "best-of-n.zip");
        _ml.Model.Save(model, audio.Schema, zip);
        float[] fresh = ControlGeneratorEstimatorTests.RunInFreshProcess(zip, wav, "Controls", Path.Combine(fixture.Directory, "best.f32"));
        Assert.Equal(inProcess, fresh);

        Assert.Equal(2, BestOfN.Best(new[] { 0f, 1f, 3f, 3f }));
        Assert.Throws<ArgumentException>(() => BestOfN.Generate(generator, scorer, rows[0].Cqt, 45, new GenerationOptions()));
    }

    private static ScoringRow Row(int frames, int seed, int samples)
    {
        var random = new Random(seed);
        return new ScoringRow
        {
            Cqt = GeneratorFixture.Cqt(frames, seed),
            Controls = Enumerable.Range(0, samples * 4 * frames).Select(_ => random.Next(16) / 15f).ToArray(),
        };
    }

    private static string Messages(Exception error)
    {
        var messages = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(" | ", messages);
    }

    public sealed class ScoringRow
    {
        public float[] Cqt { get; set; } = Array.Empty<float>();

        public float[] Controls { get; set; } = Array.Empty<float>();
    }

    public sealed class GeneratorFixtureRow
    {
        public string Cqt { get; set; } = string.Empty;
    }

    public sealed class GeneratorFixturePathRow
    {
        public string Audio { get; set; } = string.Empty;
    }
}
