using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Reward;
using CqtMl.Preferences.Comparisons;

namespace CqtMl.Preferences.Scoring;

/// <summary>
/// Scores both samples of every pair of a comparison dataset with an exported reward model (batched through ONNX
/// Runtime, the two samples of a pair in one call) and writes the dataset with <c>reward_a</c> and <c>reward_b</c>
/// (<c>cqtml score --pairs</c>).
/// </summary>
public static class DatasetScoring
{
    /// <summary>Scores a dataset.</summary>
    /// <param name="pairsPath">The dataset.</param>
    /// <param name="dataRoot">The folder its sources are relative to.</param>
    /// <param name="model">The reward model.</param>
    /// <param name="outPath">The scored dataset.</param>
    /// <returns>Pairs, labelled pairs and the pairwise accuracy.</returns>
    /// <exception cref="InvalidDataException">A row's CQT differs from the model's, or its clip cannot be recomputed; the message names the pair.</exception>
    public static ScoreSummary Score(string pairsPath, string dataRoot, OnnxRewardModel model, string outPath)
    {
        ArgumentNullException.ThrowIfNull(model);
        var clips = new ComparisonClips(dataRoot, pairsPath);
        long pairs = 0, labelled = 0, correct = 0;
        int groups = ComparisonFile.RowGroupCount(pairsPath);
        ComparisonFile.Write(outPath, Enumerable.Range(0, groups).Select(g =>
        {
            var scored = new List<ScoredComparisonRow>();
            foreach (ComparisonRow row in ComparisonFile.ReadRowGroup(pairsPath, g))
            {
                CheckCqt(pairsPath, row, model.Info.Cqt);
                (float[] cqt, _) = clips.Get(row);
                float[] rewards = model.ScoreSamples(cqt, row.AControls.Concat(row.BControls).ToArray(), row.Frames);
                ScoredComparisonRow result = Copy(row, rewards[0], rewards[1]);
                scored.Add(result);
                pairs++;
                if (row.ParsedLabel() is PreferenceLabel label && label != PreferenceLabel.Tie)
                {
                    labelled++;
                    correct += (label == PreferenceLabel.A ? rewards[0] > rewards[1] : rewards[1] > rewards[0]) ? 1 : 0;
                }
            }

            return (IReadOnlyList<ScoredComparisonRow>)scored;
        }));
        return new ScoreSummary(pairs, labelled, labelled > 0 ? (double)correct / labelled : null);
    }

    private static void CheckCqt(string pairsPath, ComparisonRow row, CqtOptions model)
    {
        if (!ComparisonClips.OptionsOf(row).HasSameGrid(model))
        {
            throw new InvalidDataException($"{pairsPath}: pair '{row.PairId}' was made with another CQT (sr {row.SampleRate}, hop {row.HopLength}, bins {row.Bins}, {row.BinsPerOctave}/octave, fmin {row.FMin}) than the reward model expects (sr {model.SampleRate}, hop {model.HopLength}, bins {model.BinCount}, {model.BinsPerOctave}/octave, fmin {model.FMin})");
        }
    }

    private static ScoredComparisonRow Copy(ComparisonRow row, float rewardA, float rewardB) => new()
    {
        PairId = row.PairId,
        Source = row.Source,
        OffsetSeconds = row.OffsetSeconds,
        DurationSeconds = row.DurationSeconds,
        Frames = row.Frames,
        SampleRate = row.SampleRate,
        HopLength = row.HopLength,
        Bins = row.Bins,
        BinsPerOctave = row.BinsPerOctave,
        FMin = row.FMin,
        GeneratorSha256 = row.GeneratorSha256,
        ASeed = row.ASeed,
        ATemperature = row.ATemperature,
        ADropout = row.ADropout,
        ACoherence = row.ACoherence,
        AControls = row.AControls,
        BSeed = row.BSeed,
        BTemperature = row.BTemperature,
        BDropout = row.BDropout,
        BCoherence = row.BCoherence,
        BControls = row.BControls,
        Label = row.Label,
        Judge = row.Judge,
        LabelledAt = row.LabelledAt,
        RewardA = rewardA,
        RewardB = rewardB,
    };
}
