using System.Text.Json;
using CqtMl.Preferences.Comparisons;
using CqtMl.Preferences.Evaluation;

namespace CqtMl.Preferences.Tests.Evaluation;

/// <summary>Win rates: ties count half; the JSON line has the three fields; unlabelled rows are left out.</summary>
public class EvaluationResultTests
{
    [Fact]
    public void TiesCountHalfAndTheJsonLineHasTheThreeFields()
    {
        var result = new EvaluationResult(10, 2, 5, 3);
        Assert.Equal(0.65, result.WinRateB, 12); // (5 + 1.5) / 10
        using JsonDocument json = JsonDocument.Parse(result.ToJson());
        Assert.Equal(new[] { "clips", "win_rate_b", "ties" }, json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(10, json.RootElement.GetProperty("clips").GetInt32());
        Assert.Equal(0.65, json.RootElement.GetProperty("win_rate_b").GetDouble(), 12);
        Assert.Equal(3, json.RootElement.GetProperty("ties").GetInt32());
        Assert.True(double.IsNaN(new EvaluationResult(0, 0, 0, 0).WinRateB));
    }

    [Fact]
    public void CountingLeavesUnlabelledRowsOut()
    {
        string?[] labels = { "a", "b", "b", "tie", null, "b" };
        EvaluationResult result = PolicyEvaluation.Count(labels.Select((l, i) => new ComparisonRow { PairId = $"p{i}", Label = l }));
        Assert.Equal(new EvaluationResult(5, 1, 3, 1), result);
        Assert.Equal(0.7, result.WinRateB, 12);
        Assert.Throws<InvalidDataException>(() => PolicyEvaluation.Count(new[] { new ComparisonRow { PairId = "x", Label = "maybe" } }));
    }
}
