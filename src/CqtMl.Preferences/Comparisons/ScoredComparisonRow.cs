using System.Text.Json.Serialization;

namespace CqtMl.Preferences.Comparisons;

/// <summary>
/// A comparison row with the rewards a reward model gave its two samples (<c>cqtml score</c>'s output). The order
/// attributes put the two columns after the inherited ones (reflection lists a derived class's properties first).
/// </summary>
public sealed class ScoredComparisonRow : ComparisonRow
{
    /// <summary>Gets or sets sample A's reward.</summary>
    [JsonPropertyName(ComparisonColumns.RewardA)]
    [JsonPropertyOrder(1)]
    public float RewardA { get; set; }

    /// <summary>Gets or sets sample B's reward.</summary>
    [JsonPropertyName(ComparisonColumns.RewardB)]
    [JsonPropertyOrder(2)]
    public float RewardB { get; set; }
}
