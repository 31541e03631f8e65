using CqtMl.Preferences.Comparisons;
using CqtMl.Torch.Reward;

namespace CqtMl.Torch.Dpo;

/// <summary>Turns labelled comparison rows into DPO pairs.</summary>
public static class DpoExamples
{
    /// <summary>
    /// Makes a pair of every labelled row (unlabelled rows are left out and counted), with each sample's temperature;
    /// the clip's CQT is recomputed from the data folder (<see cref="ComparisonClips"/>).
    /// </summary>
    /// <param name="rows">The rows.</param>
    /// <param name="clips">The clips' CQTs.</param>
    /// <param name="unlabelled">How many rows had no label.</param>
    /// <returns>The pairs.</returns>
    public static List<DpoExample> FromRows(IReadOnlyList<ComparisonRow> rows, ComparisonClips clips, out int unlabelled)
    {
        ArgumentNullException.ThrowIfNull(rows);
        List<ComparisonRow> labelled = rows.Where(r => r.ParsedLabel() is not null).ToList();
        List<RewardExample> pairs = RewardExamples.FromRows(labelled, clips, out _);
        unlabelled = rows.Count - labelled.Count;
        return labelled.Zip(pairs, (row, pair) => new DpoExample(pair, (float)row.ATemperature, (float)row.BTemperature)).ToList();
    }
}
