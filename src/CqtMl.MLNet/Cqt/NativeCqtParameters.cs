using System.Globalization;
using System.Text;
using CqtMl.Audio.Cqt;

namespace CqtMl.MLNet;

/// <summary>
/// The parameters of the native file -> CQT mappings, carried as one constant text column (a <c>CustomMapping</c>
/// factory cannot hold state): the CQT options, the optional fixed duration and the optional cache folder. Base64 of
/// newline-separated invariant-culture fields, so any path survives ML.NET's expression transform.
/// </summary>
/// <param name="Cqt">The CQT options.</param>
/// <param name="MaxDurationSeconds">A fixed signal length in seconds (truncated or padded), or null.</param>
/// <param name="CacheDirectory">The disk cache's folder (absolute), or null for none.</param>
public sealed record NativeCqtParameters(CqtOptions Cqt, double? MaxDurationSeconds, string? CacheDirectory)
{
    /// <summary>Gets the fixed length at the CQT's rate, or null.</summary>
    public long? SampleCount => MaxDurationSeconds is double seconds ? Cqt.SampleCountOf(seconds) : null;

    /// <summary>Gets the description of everything that determines the tensor (the cache key's parameter part).</summary>
    public string ResultKey => string.Join(";", TensorFields().Append("streamed"));

    /// <summary>Gets the parameters of an estimator's options.</summary>
    /// <param name="options">The options.</param>
    /// <param name="cached">Whether to carry the options' cache folder.</param>
    /// <returns>The parameters.</returns>
    public static NativeCqtParameters Of(CqtEstimator.Options options, bool cached)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? cache = cached ? Path.GetFullPath(options.CacheDirectory ?? throw new ArgumentException("No cache directory.", nameof(options))) : null;
        return new NativeCqtParameters(CqtEstimator.ToCqtOptions(options), options.MaxDurationSeconds, cache);
    }

    /// <summary>Decodes <see cref="Encode"/>'s text (also the 8-field text of the <c>CqtMl.CachedCqt.v1</c> contract).</summary>
    /// <param name="encoded">The encoded parameters.</param>
    /// <returns>The parameters.</returns>
    public static NativeCqtParameters Decode(string encoded)
    {
        string[] p = Encoding.UTF8.GetString(Convert.FromBase64String(encoded)).Split('\n');
        if (p.Length != 8)
        {
            throw new FormatException($"The CQT mapping's parameters have {p.Length} fields, not 8.");
        }

        var options = new CqtOptions
        {
            SampleRate = int.Parse(p[0], CultureInfo.InvariantCulture),
            HopLength = int.Parse(p[1], CultureInfo.InvariantCulture),
            BinCount = int.Parse(p[2], CultureInfo.InvariantCulture),
            BinsPerOctave = int.Parse(p[3], CultureInfo.InvariantCulture),
            FMin = double.Parse(p[4], CultureInfo.InvariantCulture),
            Channels = Enum.Parse<CqtChannels>(p[5]),
        };
        double? maxDuration = p[6].Length == 0 ? null : double.Parse(p[6], CultureInfo.InvariantCulture);
        return new NativeCqtParameters(options, maxDuration, p[7].Length == 0 ? null : p[7]);
    }

    /// <summary>Encodes the parameters as the constant the pipeline stores.</summary>
    /// <returns>The encoded text.</returns>
    public string Encode()
    {
        string text = string.Join("\n", TensorFields().Append(CacheDirectory ?? string.Empty));
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The fields that determine the tensor, as invariant-culture text, in the encoded order.</summary>
    private IEnumerable<string> TensorFields() => new[]
    {
        Cqt.SampleRate.ToString(CultureInfo.InvariantCulture),
        Cqt.HopLength.ToString(CultureInfo.InvariantCulture),
        Cqt.BinCount.ToString(CultureInfo.InvariantCulture),
        Cqt.BinsPerOctave.ToString(CultureInfo.InvariantCulture),
        Cqt.FMin.ToString("R", CultureInfo.InvariantCulture),
        Cqt.Channels.ToString(),
        MaxDurationSeconds?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
