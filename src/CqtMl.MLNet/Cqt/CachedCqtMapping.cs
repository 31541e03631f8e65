using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace CqtMl.MLNet;

/// <summary>
/// The saved contract <c>CqtMl.CachedCqt.v1</c>: the CQT of an audio file computed by the native engine through a
/// <see cref="CqtCache"/>. Used by <see cref="CqtEstimator"/> when <see cref="CqtEstimator.Options.CacheDirectory"/>
/// is set. All parameters travel in one constant text column (<see cref="ParametersColumn"/>).
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class CachedCqtMapping : CustomMappingFactory<CachedCqtMapping.Input, CachedCqtMapping.Output>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "CqtMl.CachedCqt.v1";

    /// <summary>The helper column holding the encoded parameters.</summary>
    public const string ParametersColumn = "__cqtml_cqt_parameters";

    /// <summary>The helper column receiving the tensor.</summary>
    public const string OutputColumn = "__cqtml_cqt";

    private static readonly ConcurrentDictionary<string, CqtCache> Caches = new();
    private static readonly ConcurrentDictionary<CqtOptions, CqtExtractor> Extractors = new();

    /// <inheritdoc/>
    public override Action<Input, Output> GetMapping() => Map;

    /// <summary>Encodes the parameters as the constant the pipeline stores (Base64, so any path survives the expression).</summary>
    /// <param name="options">The estimator's options.</param>
    /// <returns>The encoded parameters.</returns>
    public static string Encode(CqtEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string text = string.Join(
            "\n",
            options.SampleRate.ToString(CultureInfo.InvariantCulture),
            options.HopLength.ToString(CultureInfo.InvariantCulture),
            options.BinCount.ToString(CultureInfo.InvariantCulture),
            options.BinsPerOctave.ToString(CultureInfo.InvariantCulture),
            options.FMin.ToString("R", CultureInfo.InvariantCulture),
            options.Channels.ToString(),
            options.MaxDurationSeconds?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty,
            Path.GetFullPath(options.CacheDirectory ?? throw new ArgumentException("No cache directory.", nameof(options))));
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Computes (or fetches) one row's CQT.</summary>
    /// <param name="input">The path and the encoded parameters.</param>
    /// <param name="output">Receives the tensor <c>[2, bins, T]</c>.</param>
    public static void Map(Input input, Output output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        string[] p = Encoding.UTF8.GetString(Convert.FromBase64String(input.Parameters)).Split('\n');
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
        if (!File.Exists(input.Path))
        {
            throw new AudioFormatException(input.Path, "file not found");
        }

        CqtCache cache = Caches.GetOrAdd(p[7], dir => new CqtCache(dir));
        string key = string.Join(";", p.Take(7));
        output.Cqt = cache.GetOrCompute(input.Path, key, () => Compute(input.Path, options, maxDuration));
    }

    private static float[] Compute(string path, CqtOptions options, double? maxDuration)
    {
        // ComputeTensor takes the first two channels (stereo) or mixes them all (complex).
        float[][] channels = AudioDecoder.Decode(path, options.SampleRate).Channels;

        if (maxDuration is double seconds)
        {
            int length = (int)Math.Round(seconds * options.SampleRate);
            channels = channels.Select(c =>
            {
                var fixedLength = new float[length];
                c.AsSpan(0, Math.Min(length, c.Length)).CopyTo(fixedLength);
                return fixedLength;
            }).ToArray();
        }

        return Extractors.GetOrAdd(options, o => new CqtExtractor(o)).ComputeTensor(channels);
    }

    /// <summary>The mapping's input row.</summary>
    public sealed class Input
    {
        /// <summary>Gets or sets the audio file path.</summary>
        [ColumnName(AudioDecodingMapping.PathColumn)]
        public string Path { get; set; } = string.Empty;

        /// <summary>Gets or sets the encoded parameters.</summary>
        [ColumnName(ParametersColumn)]
        public string Parameters { get; set; } = string.Empty;
    }

    /// <summary>The mapping's output row.</summary>
    public sealed class Output
    {
        /// <summary>Gets or sets the CQT tensor.</summary>
        [ColumnName(OutputColumn)]
        [VectorType]
        public float[] Cqt { get; set; } = Array.Empty<float>();
    }
}
