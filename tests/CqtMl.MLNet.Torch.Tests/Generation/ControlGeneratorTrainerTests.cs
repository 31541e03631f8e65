using CqtMl.Torch.Generator;
using CqtMl.Torch.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CqtMl.MLNet.Torch.Tests.Generation;

/// <summary>TrainControlGenerator: trains from an IDataView and returns a transformer generating with the trained model.</summary>
public class ControlGeneratorTrainerTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public void FitTrainsAndTheTransformerGeneratesWithTheTrainedModel()
    {
        // Register 1 sounds where the CQT has energy in its bins (12..23), nothing else: learnable in a few steps.
        var rows = Enumerable.Range(0, 5).Select(i => Row(120 + (10 * i), i)).ToArray();
        IDataView data = _ml.Data.LoadFromEnumerable(rows);
        var options = new ControlGeneratorTrainer.Options
        {
            Generator = GeneratorConfig.Demo with { Depth = 1, EmbedDim = 48, MlpDim = 96 },
            Training = new GeneratorTrainingOptions { Epochs = 2, StepsPerEpoch = 3, BatchSize = 2, CropFrames = 64, Seed = 3 },
            SyntheticPieces = 1,
        };
        var trainer = _ml.Transforms.TrainControlGenerator(options);
        using ControlGeneratorTransformer model = trainer.Fit(data);

        Assert.Equal(2, trainer.History.Count);
        Assert.All(trainer.History, h => Assert.True(double.IsFinite(h.Loss) && h.ValidationF1 is >= 0 and <= 1));
        Assert.Equal(1, model.Info.Depth);
        float[][] controls = model.Transform(data).GetColumn<float[]>("Controls").ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(rows[i].Targets.Length, controls[i].Length);
        }

        // The same bytes in the batched scorer give the same controls.
        using var scorer = new CqtMl.Onnx.Generation.OnnxControlGenerator(model.OnnxModel);
        Assert.Equal(scorer.Generate(rows[0].Cqt, 1, rows[0].Targets.Length / 4, new CqtMl.Onnx.Generation.GenerationOptions()), controls[0]);
    }

    [Fact]
    public void TargetsThatDoNotMatchTheFramesAreRejected()
    {
        TrainingRow bad = Row(50, 0);
        bad.Targets = bad.Targets[..^4];
        IDataView data = _ml.Data.LoadFromEnumerable(new[] { bad });
        var trainer = _ml.Transforms.TrainControlGenerator(new ControlGeneratorTrainer.Options { Training = new GeneratorTrainingOptions { Epochs = 1, StepsPerEpoch = 1 } });
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => trainer.Fit(data));
        Assert.Contains("target values for 50 CQT frames", error.Message);
    }

    [Fact]
    public void BadOptionsAreRejectedBeforeTraining()
    {
        var options = new ControlGeneratorTrainer.Options { Generation = new ControlGeneratorEstimator.Options { Dropout = 0.3 } };
        Assert.Throws<ArgumentException>(() => _ml.Transforms.TrainControlGenerator(options));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.TrainControlGenerator(new ControlGeneratorTrainer.Options { SyntheticPieces = -1 }));
        var mismatch = new ControlGeneratorTrainer.Options { SyntheticPieces = 1, Cqt = new CqtMl.Audio.Cqt.CqtOptions { BinCount = 72 } };
        Assert.Contains("72 bins", Assert.Throws<ArgumentException>(() => _ml.Transforms.TrainControlGenerator(mismatch)).Message);
    }

    private static TrainingRow Row(int frames, int seed)
    {
        var random = new Random(seed);
        var cqt = new float[2 * 84 * frames];
        var targets = new float[4 * frames];
        for (int t = 0; t < frames; t++)
        {
            bool on = (t / 16) % 2 == 0;
            targets[frames + t] = on ? 1 : 0;
            for (int c = 0; c < 2; c++)
            {
                for (int b = 0; b < 84; b++)
                {
                    cqt[(((c * 84) + b) * frames) + t] = (float)(0.001 * random.NextDouble()) + (on && b is >= 12 and < 24 ? 1f : 0f);
                }
            }
        }

        return new TrainingRow { Cqt = cqt, Targets = targets };
    }

    public sealed class TrainingRow
    {
        public float[] Cqt { get; set; } = Array.Empty<float>();

        public float[] Targets { get; set; } = Array.Empty<float>();
    }
}
