using System.Globalization;

namespace CqtMl.Preferences.Evaluation;

/// <summary>How two policies fared on the same clips: wins of each and ties.</summary>
/// <param name="Clips">Clips (labelled pairs) compared.</param>
/// <param name="WinsA">Pairs whose A sample (policy A's) was preferred.</param>
/// <param name="WinsB">Pairs whose B sample was preferred.</param>
/// <param name="Ties">Pairs labelled a tie.</param>
public sealed record EvaluationResult(int Clips, int WinsA, int WinsB, int Ties)
{
    /// <summary>Gets B's win rate: (wins of B + half the ties) / clips, so 0.5 means no difference.</summary>
    public double WinRateB => Clips == 0 ? double.NaN : (WinsB + (0.5 * Ties)) / Clips;

    /// <summary>The one-line JSON <c>cqtml evaluate</c> prints: <c>{"clips": n, "win_rate_b": x, "ties": t}</c>.</summary>
    /// <returns>The line.</returns>
    public string ToJson() => string.Create(CultureInfo.InvariantCulture, $"{{\"clips\": {Clips}, \"win_rate_b\": {Math.Round(WinRateB, 6):R}, \"ties\": {Ties}}}");
}
