using CqtMl.Preferences.Comparisons;
using CqtMl.Preferences.Judges;
using CqtMl.Preferences.Policies;

namespace CqtMl.Preferences.Evaluation;

/// <summary>
/// Compares two policies on the same clips: for each clip drawn (<see cref="ClipDrawer"/>), one sample of each policy
/// with the same seed (common random numbers, so the comparison sees the policies' difference, not the noise's), as a
/// comparison row with A = policy A; labelled by a judge at once, or written for labelling elsewhere and counted
/// afterwards (<see cref="Count"/>).
/// </summary>
public static class PolicyEvaluation
{
    /// <summary>Separates the two policies' identities in the rows' <c>generator_sha256</c>.</summary>
    public const string IdentitySeparator = ",";

    /// <summary>Draws the clips and both policies' samples.</summary>
    /// <param name="clips">The clip source (its CQT must be the policies').</param>
    /// <param name="count">Clips to draw.</param>
    /// <param name="a">Policy A.</param>
    /// <param name="b">Policy B.</param>
    /// <param name="seed">The seed (also the clip drawer's), recorded in the pair ids.</param>
    /// <param name="judge">A judge to label each pair, or null to leave them unlabelled.</param>
    /// <param name="progress">Receives the number of clips done, or null.</param>
    /// <param name="cancellation">Stops between clips.</param>
    /// <returns>One row per clip.</returns>
    public static List<ComparisonRow> Pairs(ClipDrawer clips, int count, IControlPolicy a, IControlPolicy b, long seed, IPreferenceJudge? judge = null, IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(clips);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        foreach (IControlPolicy policy in new[] { a, b })
        {
            if (!policy.Cqt.HasSameGrid(clips.Cqt))
            {
                throw new ArgumentException($"{policy.Description} reads another CQT ({policy.Cqt.BinCount} bins, hop {policy.Cqt.HopLength} at {policy.Cqt.SampleRate} Hz) than the clips ({clips.Cqt.BinCount} bins, hop {clips.Cqt.HopLength} at {clips.Cqt.SampleRate} Hz).");
            }
        }

        DateTime now = DatasetJudging.Truncate(DateTime.UtcNow);
        var rows = new List<ComparisonRow>(count);
        for (int clip = 0; clip < count; clip++)
        {
            cancellation.ThrowIfCancellationRequested();
            DrawnClip drawn = clips.Draw(clip, out var random);
            long sampleSeed = random.NextSeed();
            float[] aControls = a.Sample(drawn.Cqt, drawn.Frames, sampleSeed), bControls = b.Sample(drawn.Cqt, drawn.Frames, sampleSeed);
            var row = new ComparisonRow
            {
                PairId = ComparisonDatasetGenerator.PairId(seed, clip),
                Source = drawn.Source,
                OffsetSeconds = drawn.OffsetSeconds,
                DurationSeconds = drawn.DurationSeconds,
                Frames = drawn.Frames,
                SampleRate = clips.Cqt.SampleRate,
                HopLength = clips.Cqt.HopLength,
                Bins = clips.Cqt.BinCount,
                BinsPerOctave = clips.Cqt.BinsPerOctave,
                FMin = clips.Cqt.FMin,
                GeneratorSha256 = a.Identity + IdentitySeparator + b.Identity,
                ASeed = sampleSeed,
                ATemperature = a.Temperature,
                ADropout = a.Dropout,
                ACoherence = a.Coherence,
                AControls = aControls,
                BSeed = sampleSeed,
                BTemperature = b.Temperature,
                BDropout = b.Dropout,
                BCoherence = b.Coherence,
                BControls = bControls,
            };
            if (judge is not null)
            {
                var judged = new JudgedClip(drawn.Cqt, drawn.Frames, clips.Cqt);
                row.Label = PreferenceLabels.ToText(PreferenceJudging.Label(judge, judged, aControls, bControls));
                row.Judge = judge.Name;
                row.LabelledAt = now;
            }

            rows.Add(row);
            progress?.Report(clip + 1);
        }

        return rows;
    }

    /// <summary>Counts the labelled rows' wins and ties (unlabelled rows are left out).</summary>
    /// <param name="rows">The rows (A = policy A).</param>
    /// <returns>The result.</returns>
    public static EvaluationResult Count(IEnumerable<ComparisonRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int a = 0, b = 0, ties = 0;
        foreach (ComparisonRow row in rows)
        {
            switch (row.ParsedLabel())
            {
                case PreferenceLabel.A: a++; break;
                case PreferenceLabel.B: b++; break;
                case PreferenceLabel.Tie: ties++; break;
            }
        }

        return new EvaluationResult(a + b + ties, a, b, ties);
    }
}
