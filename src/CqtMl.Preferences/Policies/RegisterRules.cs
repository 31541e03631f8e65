using System.Globalization;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.Music;
using CqtMl.Onnx.Cqt;
using CqtMl.Onnx.Generation;
using CqtMl.Onnx.Proto;
using CqtMl.Preferences.Judges;

namespace CqtMl.Preferences.Policies;

/// <summary>
/// The rule-based baseline policy: per-register energy thresholds fitted on labelled recordings. A register's energy is
/// the register-energy judge's (<see cref="JudgedClip.RegisterEnergy"/>: mean log(1 + 100 x) over its bins, / 5,
/// clipped at 1); its threshold is the one that gives the best F1 of "energy above threshold" against the register
/// targets. Exported as a generator graph (<see cref="Export"/>: same inputs, outputs and sampling as a trained
/// generator, so it works wherever one does): the logits of level k are <c>-Sharpness (k / (K - 1) - target)^2</c>
/// around the target level sigmoid((energy - threshold) / width), so deterministic generation gives the nearest level
/// and stochastic sampling spreads about it.
/// </summary>
public static class RegisterRules
{
    /// <summary>The preset name in the exported model's metadata.</summary>
    public const string Preset = "rules";

    /// <summary>The graph version in the exported model's metadata.</summary>
    public const string Version = "rules-1";

    /// <summary>Metadata key of the fitted thresholds (comma-separated, one per register).</summary>
    public const string ThresholdsKey = "register_thresholds";

    /// <summary>Metadata key of the widths.</summary>
    public const string WidthsKey = "register_widths";

    /// <summary>How peaked the levels' logits are about the target: at temperature 1 a sample's level has a standard deviation of about 0.1.</summary>
    public const float Sharpness = 50;

    /// <summary>Candidate thresholds tried per register (energy quantiles).</summary>
    private const int Candidates = 200;

    /// <summary>Fits each register's threshold (best F1) and width (a quarter of the energy's standard deviation, at least 0.02).</summary>
    /// <param name="examples">Recordings: CQT <c>[2, bins, T]</c>, register targets <c>[4, T]</c> (active above 0.5), T.</param>
    /// <param name="options">The CQT.</param>
    /// <returns>The 4 rules.</returns>
    public static IReadOnlyList<RegisterRule> Fit(IEnumerable<(float[] Cqt, float[] Targets, int Frames)> examples, CqtOptions options)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(options);
        var energies = Enumerable.Range(0, PitchRegister.Count).Select(_ => new List<float>()).ToArray();
        var active = Enumerable.Range(0, PitchRegister.Count).Select(_ => new List<bool>()).ToArray();
        foreach ((float[] cqt, float[] targets, int frames) in examples)
        {
            if (targets.Length != PitchRegister.Count * frames)
            {
                throw new ArgumentException($"{targets.Length} target values for {frames} frames (expected 4 x frames).", nameof(examples));
            }

            float[] energy = new JudgedClip(cqt, frames, options).RegisterEnergy;
            for (int r = 0; r < PitchRegister.Count; r++)
            {
                energies[r].AddRange(energy.AsSpan(r * frames, frames).ToArray());
                active[r].AddRange(targets.AsSpan(r * frames, frames).ToArray().Select(v => v > 0.5f));
            }
        }

        if (energies[0].Count == 0)
        {
            throw new ArgumentException("No recordings to fit the rules on.", nameof(examples));
        }

        return Enumerable.Range(0, PitchRegister.Count).Select(r => FitRegister(energies[r], active[r])).ToList();
    }

    /// <summary>Writes the rules as a generator graph (opset 17) with the generator contract and metadata.</summary>
    /// <param name="rules">The 4 rules.</param>
    /// <param name="options">The CQT the graph reads.</param>
    /// <param name="levels">K, the number of levels.</param>
    /// <returns>The ONNX file's bytes.</returns>
    public static byte[] Export(IReadOnlyList<RegisterRule> rules, CqtOptions options, int levels = 16)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(options);
        if (rules.Count != PitchRegister.Count || rules.Any(r => !double.IsFinite(r.Threshold) || !(r.Width > 0) || double.IsInfinity(r.Width)))
        {
            throw new ArgumentException("Expected 4 rules with finite thresholds and positive, finite widths.", nameof(rules));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 2);
        int bins = options.BinCount;
        var g = new OnnxGraph("cqt_register_rules");
        string cqt = g.Input(GeneratorContract.CqtInput, OnnxGraph.Float, "batch", (long)GeneratorContract.InputChannels, (long)bins, "frames");

        // Register energy [B, 4, T]: the mean over each register's bins of log(1 + gain x) of the channel mean, / full scale, at most 1.
        string mean = g.Node("ReduceMean", new[] { cqt }, attributes: new[] { OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 0) });
        string log = g.Node("Log", new[] { g.Node("Add", new[] { g.Node("Mul", new[] { mean, g.Constant(new[] { JudgedClip.LogGain }, 1) }), g.Constant(new[] { 1f }, 1) }) });
        var average = new float[PitchRegister.Count * bins];
        int[] counts = new int[PitchRegister.Count];
        for (int b = 0; b < bins; b++)
        {
            counts[JudgedClip.RegisterOfBin(options, b)]++;
        }

        for (int b = 0; b < bins; b++)
        {
            int r = JudgedClip.RegisterOfBin(options, b);
            average[(r * bins) + b] = 1f / (counts[r] * JudgedClip.RegisterFullScale);
        }

        string energy = g.Node("Min", new[] { g.Node("MatMul", new[] { g.Constant(average, PitchRegister.Count, bins), log }), g.Constant(new[] { 1f }, 1) });

        // Target level per register, then the logits of each level about it.
        float[] thresholds = rules.Select(r => (float)r.Threshold).ToArray(), widths = rules.Select(r => (float)r.Width).ToArray();
        string target = g.Node("Sigmoid", new[] { g.Node("Div", new[] { g.Node("Sub", new[] { energy, g.Constant(thresholds, PitchRegister.Count, 1) }), g.Constant(widths, PitchRegister.Count, 1) }) });
        float[] levelValues = Enumerable.Range(0, levels).Select(k => k / (levels - 1f)).ToArray();
        string distance = g.Node("Sub", new[] { g.Constant(levelValues, 1, 1, levels, 1), g.Node("Unsqueeze", new[] { target, g.Constant(new long[] { 2 }, 1) }) });
        string logits = g.Node("Mul", new[] { g.Node("Mul", new[] { distance, distance }), g.Constant(new[] { -Sharpness }, 1) });
        GeneratorOutputs.Write(g, logits, levels);

        Dictionary<string, string> metadata = CqtMetadata.Write(options);
        metadata[GeneratorContract.KindKey] = GeneratorContract.Kind;
        metadata[GeneratorContract.VersionKey] = Version;
        metadata[GeneratorContract.PresetKey] = Preset;
        metadata[GeneratorContract.LevelsKey] = levels.ToString(CultureInfo.InvariantCulture);
        metadata[GeneratorContract.DepthKey] = "1"; // no network: no dropout mask input either
        metadata[GeneratorContract.MlpDimKey] = "1";
        metadata[GeneratorContract.FrequencyTokensKey] = "1";
        metadata[ThresholdsKey] = string.Join(",", rules.Select(r => r.Threshold.ToString("R", CultureInfo.InvariantCulture)));
        metadata[WidthsKey] = string.Join(",", rules.Select(r => r.Width.ToString("R", CultureInfo.InvariantCulture)));
        return g.ToModel(metadata);
    }

    private static RegisterRule FitRegister(List<float> energy, List<bool> active)
    {
        float[] sorted = energy.Order().ToArray();
        double mean = energy.Average(), std = Math.Sqrt(energy.Average(e => (e - mean) * (e - mean)));
        double bestF1 = -1, bestThreshold = sorted[^1];
        foreach (float threshold in Enumerable.Range(0, Candidates).Select(i => sorted[(int)((long)i * (sorted.Length - 1) / (Candidates - 1))]).Distinct())
        {
            long tp = 0, fp = 0, fn = 0;
            for (int i = 0; i < energy.Count; i++)
            {
                bool predicted = energy[i] > threshold;
                tp += predicted && active[i] ? 1 : 0;
                fp += predicted && !active[i] ? 1 : 0;
                fn += !predicted && active[i] ? 1 : 0;
            }

            double f1 = tp == 0 ? 0 : 2.0 * tp / ((2.0 * tp) + fp + fn);
            if (f1 > bestF1)
            {
                (bestF1, bestThreshold) = (f1, threshold);
            }
        }

        return new RegisterRule(bestThreshold, Math.Max(0.02, 0.25 * std));
    }
}
