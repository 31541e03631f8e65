using CqtMl.Onnx.Generation;
using CqtMl.Preferences.Comparisons;

namespace CqtMl.Torch.Reward;

/// <summary>Turns labelled comparison rows into reward-training pairs, and splits them by clip.</summary>
public static class RewardExamples
{
    /// <summary>
    /// Makes a pair of every labelled row (target 1 for "a", 0 for "b", 0.5 for "tie"); unlabelled rows are left out
    /// and counted. The clip's CQT is recomputed from the data folder (<see cref="ComparisonClips"/>).
    /// </summary>
    /// <param name="rows">The rows.</param>
    /// <param name="clips">The clips' CQTs.</param>
    /// <param name="unlabelled">How many rows had no label.</param>
    /// <returns>The pairs.</returns>
    public static List<RewardExample> FromRows(IEnumerable<ComparisonRow> rows, ComparisonClips clips, out int unlabelled)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(clips);
        var examples = new List<RewardExample>();
        unlabelled = 0;
        foreach (ComparisonRow row in rows)
        {
            if (row.ParsedLabel() is not PreferenceLabel label)
            {
                unlabelled++;
                continue;
            }

            (float[] cqt, _) = clips.Get(row);
            float target = label switch { PreferenceLabel.A => 1f, PreferenceLabel.B => 0f, _ => 0.5f };
            examples.Add(new RewardExample(cqt, row.Frames, row.AControls, row.BControls, target, row.ClipKey));
        }

        return examples;
    }

    /// <summary>
    /// Splits pairs by clip: the clips (ordered by name) are shuffled with the seed and the first
    /// ceil(fraction x clips) go to validation (at least one when the fraction is above 0 and there are two or more
    /// clips), so no clip is on both sides.
    /// </summary>
    /// <param name="examples">The pairs.</param>
    /// <param name="fraction">The share of clips held out, in [0, 1).</param>
    /// <param name="seed">The seed.</param>
    /// <returns>Training and validation pairs.</returns>
    public static (List<RewardExample> Training, List<RewardExample> Validation) SplitByClip(IReadOnlyList<RewardExample> examples, double fraction, long seed) =>
        SplitByClip(examples, e => e.Clip, fraction, seed);

    /// <summary>Splits any kind of pairs by clip, as <see cref="SplitByClip(IReadOnlyList{RewardExample}, double, long)"/> does.</summary>
    /// <typeparam name="T">The pair type.</typeparam>
    /// <param name="examples">The pairs.</param>
    /// <param name="clipOf">A pair's clip.</param>
    /// <param name="fraction">The share of clips held out, in [0, 1).</param>
    /// <param name="seed">The seed.</param>
    /// <returns>Training and validation pairs.</returns>
    public static (List<T> Training, List<T> Validation) SplitByClip<T>(IReadOnlyList<T> examples, Func<T, string> clipOf, double fraction, long seed)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(clipOf);
        if (fraction is < 0 or >= 1 || double.IsNaN(fraction))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The validation fraction must be in [0, 1).");
        }

        string[] clips = examples.Select(clipOf).Distinct().Order(StringComparer.Ordinal).ToArray();
        var random = new SplitMix64(seed);
        for (int i = clips.Length - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (clips[i], clips[j]) = (clips[j], clips[i]);
        }

        int held = fraction == 0 || clips.Length < 2 ? 0 : Math.Clamp((int)Math.Ceiling(fraction * clips.Length), 1, clips.Length - 1);
        var validation = new HashSet<string>(clips.Take(held), StringComparer.Ordinal);
        return (examples.Where(e => !validation.Contains(clipOf(e))).ToList(), examples.Where(e => validation.Contains(clipOf(e))).ToList());
    }
}
