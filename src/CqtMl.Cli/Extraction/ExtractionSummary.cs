using System.Globalization;
using System.Text.Json;

namespace CqtMl.Cli.Extraction;

/// <summary>What one extraction job did: its JSON line.</summary>
/// <param name="Shard">The shard.</param>
/// <param name="Tracks">The shard's tracks.</param>
/// <param name="Extracted">Tracks extracted by this run.</param>
/// <param name="AlreadyDone">Tracks a previous run had finished (verified, skipped).</param>
/// <param name="Failed">Tracks that could not be decoded (listed in the manifest with the reason).</param>
/// <param name="Repaired">Manifest lines of a previous run dropped (cut short, or files missing or altered) and redone.</param>
/// <param name="AudioSeconds">Seconds of audio extracted by this run.</param>
/// <param name="WallSeconds">The run's wall time.</param>
/// <param name="Threads">Tracks extracted at once.</param>
internal sealed record ExtractionSummary(ShardAssignment Shard, int Tracks, int Extracted, int AlreadyDone, int Failed, int Repaired, double AudioSeconds, double WallSeconds, int Threads)
{
    /// <summary>Formats the summary as one JSON line.</summary>
    /// <returns>The line.</returns>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        shard = Shard.ToString(),
        tracks = Tracks,
        extracted = Extracted,
        already_done = AlreadyDone,
        failed = Failed,
        repaired = Repaired,
        audio_seconds = Math.Round(AudioSeconds, 3),
        wall_seconds = Math.Round(WallSeconds, 3),
        tracks_per_second = Math.Round(Extracted / Math.Max(WallSeconds, 1e-9), 3),
        realtime_factor = Math.Round(AudioSeconds / Math.Max(WallSeconds, 1e-9), 1),
        audio_hours_per_core_hour = Math.Round(AudioSeconds / Math.Max(WallSeconds, 1e-9) / Math.Min(Threads, Environment.ProcessorCount), 1),
    });

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"shard {Shard}: {Extracted} extracted, {AlreadyDone} already done, {Failed} failed of {Tracks}");
}
