using CqtMl.Preferences.Comparisons;

namespace CqtMl.Preferences.Labels;

/// <summary>Writes a comparison dataset with some rows' labels set (or cleared), atomically, row group by row group.</summary>
public static class LabelMerge
{
    /// <summary>Copies <paramref name="pairsPath"/> to <paramref name="outPath"/> (which may be the same file) with the given labels.</summary>
    /// <param name="pairsPath">The dataset.</param>
    /// <param name="outPath">The output dataset.</param>
    /// <param name="labels">Per pair id: its label (null clears it), who gave it and when; other rows are copied as they are.</param>
    /// <returns>The number of rows changed.</returns>
    public static int Write(string pairsPath, string outPath, IReadOnlyDictionary<string, (PreferenceLabel? Label, string Judge, DateTime At)> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        int groups = ComparisonFile.RowGroupCount(pairsPath), changed = 0;
        ComparisonFile.Write(outPath, Enumerable.Range(0, groups).Select(g =>
        {
            IReadOnlyList<ComparisonRow> rows = ComparisonFile.ReadRowGroup(pairsPath, g);
            foreach (ComparisonRow row in rows)
            {
                if (labels.TryGetValue(row.PairId, out var entry))
                {
                    row.Label = entry.Label is PreferenceLabel label ? PreferenceLabels.ToText(label) : null;
                    row.Judge = entry.Label is null ? null : entry.Judge;
                    row.LabelledAt = entry.Label is null ? null : entry.At;
                    changed++;
                }
            }

            return rows;
        }));
        return changed;
    }
}
