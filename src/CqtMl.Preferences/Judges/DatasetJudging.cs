using CqtMl.Preferences.Comparisons;

namespace CqtMl.Preferences.Judges;

/// <summary>Labels every pair of a comparison dataset with a judge (<c>cqtml judge</c>).</summary>
public static class DatasetJudging
{
    /// <summary>Reads <paramref name="pairsPath"/>, labels each row and writes <paramref name="outPath"/> atomically, row group by row group.</summary>
    /// <param name="pairsPath">The input dataset.</param>
    /// <param name="dataRoot">The folder its sources are relative to.</param>
    /// <param name="judge">The judge.</param>
    /// <param name="outPath">The output dataset (may be the input).</param>
    /// <param name="now">The labelling time (UTC); null for now.</param>
    /// <returns>How many rows got each label.</returns>
    public static IReadOnlyDictionary<PreferenceLabel, long> Judge(string pairsPath, string dataRoot, IPreferenceJudge judge, string outPath, DateTime? now = null)
    {
        ArgumentNullException.ThrowIfNull(judge);
        DateTime at = Truncate(now ?? DateTime.UtcNow);
        var counts = Enum.GetValues<PreferenceLabel>().ToDictionary(l => l, _ => 0L);
        var clips = new ComparisonClips(dataRoot, pairsPath);
        // The output is renamed into place only after the last row: an error leaves it (even when it is the input) untouched.
        int groups = ComparisonFile.RowGroupCount(pairsPath);
        ComparisonFile.Write(outPath, Enumerable.Range(0, groups).Select(g =>
        {
            IReadOnlyList<ComparisonRow> rows = ComparisonFile.ReadRowGroup(pairsPath, g);
            foreach (ComparisonRow row in rows)
            {
                (float[] cqt, var options) = clips.Get(row);
                PreferenceLabel label = PreferenceJudging.Label(judge, new JudgedClip(cqt, row.Frames, options), row.AControls, row.BControls);
                row.Label = PreferenceLabels.ToText(label);
                row.Judge = judge.Name;
                row.LabelledAt = at;
                counts[label]++;
            }

            return rows;
        }));
        return counts;
    }

    /// <summary>Truncates a time to whole milliseconds (the dataset's resolution), as UTC.</summary>
    /// <param name="time">The time.</param>
    /// <returns>The truncated time.</returns>
    public static DateTime Truncate(DateTime time)
    {
        DateTime utc = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }
}
