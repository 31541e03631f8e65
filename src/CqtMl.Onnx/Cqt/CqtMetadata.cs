using System.Globalization;
using CqtMl.Audio.Cqt;

namespace CqtMl.Onnx.Cqt;

/// <summary>
/// The CQT parameters as ONNX metadata: every model the project exports (the CQT graph, generators, reward models)
/// records the transform its input must come from under these keys, and readers rebuild the <see cref="CqtOptions"/>
/// from them.
/// </summary>
public static class CqtMetadata
{
    /// <summary>Key of <see cref="CqtOptions.SampleRate"/>.</summary>
    public const string SampleRateKey = "sample_rate";

    /// <summary>Key of <see cref="CqtOptions.HopLength"/>.</summary>
    public const string HopLengthKey = "hop_length";

    /// <summary>Key of <see cref="CqtOptions.BinCount"/>.</summary>
    public const string BinsKey = "bins";

    /// <summary>Key of <see cref="CqtOptions.BinsPerOctave"/>.</summary>
    public const string BinsPerOctaveKey = "bins_per_octave";

    /// <summary>Key of <see cref="CqtOptions.FMin"/>.</summary>
    public const string FMinKey = "fmin";

    /// <summary>Key of <see cref="CqtOptions.Channels"/>.</summary>
    public const string ChannelsKey = "channels";

    /// <summary>Writes the parameters as metadata entries.</summary>
    /// <param name="options">The CQT parameters.</param>
    /// <returns>A new dictionary the caller may add its own entries to.</returns>
    public static Dictionary<string, string> Write(CqtOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new Dictionary<string, string>
        {
            [SampleRateKey] = options.SampleRate.ToString(CultureInfo.InvariantCulture),
            [HopLengthKey] = options.HopLength.ToString(CultureInfo.InvariantCulture),
            [BinsKey] = options.BinCount.ToString(CultureInfo.InvariantCulture),
            [BinsPerOctaveKey] = options.BinsPerOctave.ToString(CultureInfo.InvariantCulture),
            [FMinKey] = options.FMin.ToString("R", CultureInfo.InvariantCulture),
            [ChannelsKey] = options.Channels.ToString().ToLowerInvariant(),
        };
    }

    /// <summary>Reads a positive integer entry of a model's metadata.</summary>
    /// <param name="metadata">The model's metadata.</param>
    /// <param name="key">The entry.</param>
    /// <param name="source">The model file (or another name) for error messages.</param>
    /// <param name="hint">Appended to the error message (for example what to do about it).</param>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidDataException">The entry is missing, not a number, or not positive.</exception>
    public static int PositiveInteger(IReadOnlyDictionary<string, string> metadata, string key, string source, string hint = "") =>
        metadata.TryGetValue(key, out string? text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new InvalidDataException($"{source}: the model's metadata has no valid '{key}' (got '{text}'){hint}");

    /// <summary>Reads and validates the parameters from metadata entries.</summary>
    /// <param name="metadata">The model's metadata.</param>
    /// <param name="source">The model file (or another name) for error messages.</param>
    /// <returns>The CQT parameters.</returns>
    /// <exception cref="InvalidDataException">An entry is missing or invalid; the message names the source and the key.</exception>
    public static CqtOptions Read(IReadOnlyDictionary<string, string> metadata, string source)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        int Integer(string key) => PositiveInteger(metadata, key, source);
        string fminText = metadata.TryGetValue(FMinKey, out string? f) ? f : string.Empty;
        if (!double.TryParse(fminText, NumberStyles.Float, CultureInfo.InvariantCulture, out double fmin))
        {
            throw new InvalidDataException($"{source}: the model's metadata has no valid '{FMinKey}' (got '{fminText}')");
        }

        string channelsText = metadata.TryGetValue(ChannelsKey, out string? c) ? c : string.Empty;
        CqtChannels channels = channelsText switch
        {
            "stereo" => CqtChannels.Stereo,
            "complex" => CqtChannels.Complex,
            _ => throw new InvalidDataException($"{source}: the model's metadata has no valid '{ChannelsKey}' (got '{channelsText}')"),
        };
        var options = new CqtOptions
        {
            SampleRate = Integer(SampleRateKey),
            HopLength = Integer(HopLengthKey),
            BinCount = Integer(BinsKey),
            BinsPerOctave = Integer(BinsPerOctaveKey),
            FMin = fmin,
            Channels = channels,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: the model's CQT parameters are invalid: {e.Message.Split(" (Parameter", 2)[0]}", e);
        }

        return options;
    }
}
