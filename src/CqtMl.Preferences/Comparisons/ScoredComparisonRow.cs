using System.Text.Json.Serialization;

namespace CqtMl.Preferences.Comparisons;

/// <summary>A comparison row with the rewards a reward model gave its two samples (<c>cqtml score</c>'s output).</summary>
public sealed class ScoredComparisonRow : ComparisonRow
{
    /// <summary>Gets or sets sample A's reward.</summary>
    [JsonPropertyName(ComparisonColumns.RewardA)]
    public float RewardA { get; set; }

    /// <summary>Gets or sets sample B's reward.</summary>
    [JsonPropertyName(ComparisonColumns.RewardB)]
    public float RewardB { get; set; }
}
