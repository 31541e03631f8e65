using System.Globalization;
using CqtMl.Preferences.Comparisons;
using CqtMl.Preferences.Judges;

namespace CqtMl.Preferences.Labels;

/// <summary>
/// Brings labels made elsewhere (people, other tools) into a comparison dataset: a CSV with the header
/// <c>pair_id,label</c> and labels <c>a</c>, <c>b</c> or <c>tie</c>. Every CSV line is checked before anything is
/// written; an unknown pair id, a bad label, a repeated pair or a malformed line is an error naming the CSV line.
/// </summary>
public static class LabelImport
{
    /// <summary>The judge name imported rows get unless another is given.</summary>
    public const string DefaultJudge = "import";

    /// <summary>Reads the labels of a CSV file.</summary>
    /// <param name="csvPath">The CSV file.</param>
    /// <returns>Label per pair id, and the CSV line it came from.</returns>
    /// <exception cref="InvalidDataException">A malformed header or line, a bad label or a repeated pair; the message names the line.</exception>
    public static IReadOnlyDictionary<string, (PreferenceLabel Label, int Line)> ReadCsv(string csvPath)
    {
        if (!File.Exists(csvPath))
        {
            throw new FileNotFoundException($"{csvPath}: labels file not found", csvPath);
        }

        var labels = new Dictionary<string, (PreferenceLabel, int)>(StringComparer.Ordinal);
        int line = 0;
        foreach (string raw in File.ReadLines(csvPath))
        {
            line++;
            string text = line == 1 ? raw.TrimStart('\uFEFF').TrimEnd('\r') : raw.TrimEnd('\r');
            if (line == 1)
            {
                if (text.Replace(" ", string.Empty, StringComparison.Ordinal) != $"{ComparisonColumns.PairId},{ComparisonColumns.Label}")
                {
                    throw new InvalidDataException($"{csvPath}:1: expected the header '{ComparisonColumns.PairId},{ComparisonColumns.Label}', found '{text}'");
                }

                continue;
            }

            if (text.Length == 0)
            {
                continue;
            }

            string[] fields = text.Split(',');
            if (fields.Length != 2)
            {
                throw new InvalidDataException($"{csvPath}:{line}: expected 2 fields (pair_id,label), found {fields.Length}: '{text}'");
            }

            string id = Unquote(fields[0]), value = Unquote(fields[1]);
            if (!PreferenceLabels.TryParse(value, out PreferenceLabel label))
            {
                throw new InvalidDataException($"{csvPath}:{line}: label '{value}' for pair '{id}' is not {PreferenceLabels.A}, {PreferenceLabels.B} or {PreferenceLabels.Tie}");
            }

            if (!labels.TryAdd(id, (label, line)))
            {
                throw new InvalidDataException($"{csvPath}:{line}: pair '{id}' was already labelled on line {labels[id].Item2}");
            }
        }

        if (line == 0)
        {
            throw new InvalidDataException($"{csvPath}: empty file (expected the header '{ComparisonColumns.PairId},{ComparisonColumns.Label}')");
        }

        return labels;
    }

    /// <summary>Applies a CSV's labels to a dataset and writes the result atomically.</summary>
    /// <param name="pairsPath">The dataset.</param>
    /// <param name="csvPath">The labels.</param>
    /// <param name="outPath">The output dataset (may be the input).</param>
    /// <param name="judge">The judge name for the imported rows.</param>
    /// <param name="now">The labelling time; null for now.</param>
    /// <returns>The number of rows labelled.</returns>
    /// <exception cref="InvalidDataException">A CSV problem, or a pair id the dataset does not have (naming the CSV line).</exception>
    public static int Import(string pairsPath, string csvPath, string outPath, string judge = DefaultJudge, DateTime? now = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(judge);
        IReadOnlyDictionary<string, (PreferenceLabel Label, int Line)> labels = ReadCsv(csvPath);
        var known = new HashSet<string>(StringComparer.Ordinal);
        int groups = ComparisonFile.RowGroupCount(pairsPath);
        for (int g = 0; g < groups; g++)
        {
            known.UnionWith(ComparisonFile.ReadRowGroup(pairsPath, g).Select(r => r.PairId));
        }

        foreach ((string id, (PreferenceLabel _, int line)) in labels.OrderBy(l => l.Value.Line))
        {
            if (!known.Contains(id))
            {
                throw new InvalidDataException($"{csvPath}:{line}: pair '{id}' is not in {pairsPath}");
            }
        }

        DateTime at = DatasetJudging.Truncate(now ?? DateTime.UtcNow);
        LabelMerge.Write(pairsPath, outPath, labels.ToDictionary(l => l.Key, l => ((PreferenceLabel?)l.Value.Label, judge, at), StringComparer.Ordinal));
        return labels.Count;
    }

    private static string Unquote(string field)
    {
        string trimmed = field.Trim();
        return trimmed.Length >= 2 && trimmed[0] == '"' && trimmed[^1] == '"' ? trimmed[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : trimmed;
    }
}
