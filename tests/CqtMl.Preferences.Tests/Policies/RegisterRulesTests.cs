using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Generation;
using CqtMl.Preferences.Judges;
using CqtMl.Preferences.Policies;

namespace CqtMl.Preferences.Tests.Policies;

/// <summary>The rule-based baseline: fitted thresholds separate active from silent frames; the exported graph follows its rule and samples like a generator.</summary>
public class RegisterRulesTests
{
    private static readonly CqtOptions Cqt = new();

    /// <summary>A CQT whose register-2 bins (36-47) have log(1 + 100 x) = <paramref name="loudness"/>[t] and nothing else sounds.</summary>
    private static float[] Clip(float[] loudness)
    {
        int frames = loudness.Length;
        var cqt = new float[2 * Cqt.BinCount * frames];
        for (int channel = 0; channel < 2; channel++)
        {
            for (int bin = 36; bin < 48; bin++)
            {
                for (int t = 0; t < frames; t++)
                {
                    cqt[(((channel * Cqt.BinCount) + bin) * frames) + t] = (MathF.Exp(loudness[t]) - 1) / 100;
                }
            }
        }

        return cqt;
    }

    [Fact]
    public void FittedThresholdSeparatesActiveFromSilentFrames()
    {
        // Register 2 active (target 1) exactly where it is loud (3 of 5 full scale); quiet frames at 1 of 5.
        float[] loudness = Enumerable.Range(0, 200).Select(t => t % 50 < 20 ? 3f : 1f).ToArray();
        var targets = new float[4 * loudness.Length];
        for (int t = 0; t < loudness.Length; t++)
        {
            targets[(2 * loudness.Length) + t] = loudness[t] > 2 ? 1 : 0;
        }

        IReadOnlyList<RegisterRule> rules = RegisterRules.Fit(new[] { (Clip(loudness), targets, loudness.Length) }, Cqt);
        Assert.Equal(4, rules.Count);
        Assert.InRange(rules[2].Threshold, 0.2 - 1e-6, 0.6); // between 1/5 (silent frames) and 3/5 (active frames)
        Assert.All(rules, r => Assert.True(r.Width >= 0.02));
    }

    [Fact]
    public void TheGraphFollowsItsRuleAndSamplesLikeAGenerator()
    {
        var rules = new[] { new RegisterRule(0.5, 0.05), new RegisterRule(0.5, 0.05), new RegisterRule(0.4, 0.1), new RegisterRule(0.5, 0.05) };
        byte[] model = RegisterRules.Export(rules, Cqt);
        using var generator = new OnnxControlGenerator(model, source: "rules");
        Assert.Equal(16, generator.Levels);

        float[] loudness = Enumerable.Range(0, 120).Select(t => t / 24f).ToArray(); // 0 to 5: energy 0 to 1
        float[] cqt = Clip(loudness);
        float[] controls = generator.Generate(cqt, 1, loudness.Length, new GenerationOptions());
        float[] energy = new JudgedClip(cqt, loudness.Length, Cqt).RegisterEnergy;
        for (int r = 0; r < 4; r++)
        {
            for (int t = 0; t < loudness.Length; t++)
            {
                double target = 1 / (1 + Math.Exp(-(energy[(r * loudness.Length) + t] - rules[r].Threshold) / rules[r].Width));
                Assert.InRange(Math.Abs(controls[(r * loudness.Length) + t] - target), 0, (0.5 / 15) + 1e-4); // the nearest level
            }
        }

        // Register 2 rises through one half where its energy crosses the threshold 0.4, i.e. loudness 2, frame 48.
        Assert.True(controls[(2 * loudness.Length) + 40] < 0.5f && controls[(2 * loudness.Length) + 56] > 0.5f);

        // Stochastic sampling spreads about the rule's level, reproducibly; dropout has nothing to act on.
        var stochastic = new GenerationOptions { Mode = GenerationMode.Stochastic, Temperature = 1, Seed = 3 };
        float[] sample = generator.Generate(cqt, 1, loudness.Length, stochastic);
        Assert.Equal(sample, generator.Generate(cqt, 1, loudness.Length, stochastic));
        Assert.NotEqual(controls, sample);
        Assert.True(sample.Zip(controls).Average(p => Math.Abs(p.First - p.Second)) < 0.2);
        Assert.Throws<ArgumentException>(() => generator.Generate(cqt, 1, loudness.Length, stochastic with { Dropout = 0.1 }));
    }
}
