using System.Globalization;

namespace CqtMl.Cli.Commands;

/// <summary>What <c>--timings</c> reports: audio length, decode (and resample) time, median CQT time, real-time factor.</summary>
internal sealed record CqtTimings(double AudioSeconds, double DecodeSeconds, double CqtSeconds)
{
    public double RealtimeFactor => CqtSeconds > 0 ? AudioSeconds / CqtSeconds : double.PositiveInfinity;

    public string ToJson() => string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"audio_seconds\": {AudioSeconds:0.######}, \"decode_seconds\": {DecodeSeconds:0.######}, \"cqt_seconds\": {CqtSeconds:0.######}, \"realtime_factor\": {RealtimeFactor:0.##}}}");
}
