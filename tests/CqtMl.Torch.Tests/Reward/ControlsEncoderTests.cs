using CqtMl.Audio.Cqt;
using CqtMl.Preferences.Judges;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using CqtMl.Torch.Reward;
using static TorchSharp.torch;

namespace CqtMl.Torch.Tests.Reward;

/// <summary>The controls encoder's fixed per-frame features against the judges' own computation of them.</summary>
public class ControlsEncoderTests
{
    [Theory]
    [InlineData(84, 12, CqtOptions.C1)]
    [InlineData(72, 24, 55.0)]
    [InlineData(36, 12, 440.0)]
    public void RegisterFeaturesAreTheJudgesRegisterEnergyAndTheLevelsDistanceFromIt(int bins, int binsPerOctave, double fmin)
    {
        const int Frames = 40;
        var cqtOptions = new CqtOptions { BinCount = bins, BinsPerOctave = binsPerOctave, FMin = fmin };
        var config = RewardConfig.Demo with { Encoder = GeneratorConfig.Demo with { Bins = bins, BinsPerOctave = binsPerOctave, Depth = 1 }, Fmin = fmin };
        var random = new Random(3);

        // Loud enough in the first frames that the energy clips at 1, fading 2.5 dB a frame, with silent bins.
        float[] cqt = Enumerable.Range(0, 2 * bins * Frames).Select(i => (float)(random.NextDouble() * 400 * Math.Pow(10, -(i % Frames) / 8.0))).ToArray();
        for (int i = 0; i < 2 * bins * Frames; i += 7)
        {
            cqt[i] = 0;
        }

        float[] expected = new JudgedClip(cqt, Frames, cqtOptions).RegisterEnergy;
        using var encoder = new ControlsEncoder(config);
        using var spectrum = tensor(cqt, new long[] { 1, 2, bins, Frames }).mean(new long[] { 1 }).mul(JudgedClip.LogGain).log1p();
        float[] levels = Enumerable.Range(0, 4 * Frames).Select(i => random.Next(16) / 15f).ToArray();
        using var controls = tensor(levels, new long[] { 1, 4, Frames });
        using var features = encoder.Features(controls, spectrum);
        float[] actual = features.narrow(1, RewardConfig.FrameFeatures - RewardConfig.RegisterFeatures, 4).contiguous().data<float>().ToArray();
        float[] distance = features.narrow(1, RewardConfig.FrameFeatures - 4, 4).contiguous().data<float>().ToArray();

        Assert.Equal(expected.Length, actual.Length);
        Assert.Contains(expected, e => e == 1f);
        Assert.Contains(expected, e => e > 0f && e < 1f);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"register {i / Frames}, frame {i % Frames}: judge {expected[i]}, model {actual[i]}");
            Assert.True(Math.Abs(Math.Abs(levels[i] - expected[i]) - distance[i]) <= 1e-5, $"register {i / Frames}, frame {i % Frames}: level {levels[i]}, energy {expected[i]}, distance {distance[i]}");
        }
    }

    [Fact]
    public void ExportRefusesACqtOtherThanTheModels()
    {
        using var model = new RewardModel(RewardConfig.Demo with { Encoder = GeneratorConfig.Demo with { Depth = 1 }, ControlDepth = 1, CrossDepth = 1 });
        var error = Assert.Throws<ArgumentException>(() => RewardOnnxExporter.Export(model, new CqtOptions { FMin = 55 }, "demo"));
        Assert.Contains("fmin 55", error.Message, StringComparison.Ordinal);
    }
}
