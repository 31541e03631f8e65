using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;
using CqtMl.Audio.IO;
using CqtMl.Onnx.Generation;

namespace CqtMl.Preferences.Comparisons;

/// <summary>
/// Makes comparison datasets: clips drawn reproducibly from a data folder, pairs of stochastic samples of each clip
/// from an exported generator, one Parquet row per pair (<see cref="ComparisonColumns"/>). Everything random derives
/// from <see cref="ComparisonDatasetOptions.Seed"/> and the clip's index, so any clip, and therefore an interrupted
/// run, can be redone alone. Each finished clip is saved (atomically) in a work folder beside the output; the output
/// is then written atomically from those parts, one row group per clip, and the work folder removed. A resumed run
/// keeps the finished clips and writes the same file, byte for byte, as an uninterrupted one.
/// </summary>
public sealed class ComparisonDatasetGenerator : IDisposable
{
    /// <summary>The suffix of the work folder that holds finished clips until the dataset is written.</summary>
    public const string PartsSuffix = ".cqtml-parts";

    private readonly OnnxControlGenerator _generator;
    private readonly ClipDrawer _clips;

    /// <summary>Prepares generation.</summary>
    /// <param name="dataRoot">A MusicNet-format root, an FMA-format root or any folder of audio files (searched recursively).</param>
    /// <param name="generatorPath">The exported generator (<c>generator.onnx</c>).</param>
    /// <param name="options">What to draw.</param>
    /// <exception cref="DirectoryNotFoundException">The data folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder holds no audio files, or the model is not a generator.</exception>
    public ComparisonDatasetGenerator(string dataRoot, string generatorPath, ComparisonDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        byte[] model = File.Exists(generatorPath) ? File.ReadAllBytes(generatorPath) : throw new FileNotFoundException($"{generatorPath}: generator model not found", generatorPath);
        GeneratorSha256 = Convert.ToHexStringLower(SHA256.HashData(model));
        _generator = new OnnxControlGenerator(model, source: generatorPath);
        try
        {
            _clips = new ClipDrawer(dataRoot, _generator.Info.Cqt, options.ClipSeconds, options.Seed);
        }
        catch
        {
            _generator.Dispose();
            throw;
        }
    }

    /// <summary>Gets the options.</summary>
    public ComparisonDatasetOptions Options { get; }

    /// <summary>Gets the SHA-256 of the generator's ONNX file (lower-case hex).</summary>
    public string GeneratorSha256 { get; }

    /// <summary>Gets the CQT the generator expects (the clips' CQT).</summary>
    public CqtOptions Cqt => _generator.Info.Cqt;

    /// <summary>Gets the pair id of a row: a function of the seed and the row index.</summary>
    /// <param name="seed">The dataset's seed.</param>
    /// <param name="row">The row index.</param>
    /// <returns>The id.</returns>
    public static string PairId(long seed, long row) => string.Create(CultureInfo.InvariantCulture, $"s{seed}-p{row:D6}");

    /// <summary>Writes the dataset.</summary>
    /// <param name="outPath">The .parquet file.</param>
    /// <param name="resume">Continue an interrupted run from its work folder (<paramref name="outPath"/> + <see cref="PartsSuffix"/>).</param>
    /// <param name="progress">Receives a report after each clip, or null.</param>
    /// <param name="cancellation">Stops between clips; finished clips stay in the work folder for a resume.</param>
    /// <returns>The number of rows written.</returns>
    /// <exception cref="InvalidOperationException">A work folder exists without <paramref name="resume"/>, or it belongs to a run with other parameters.</exception>
    public long Generate(string outPath, bool resume = false, IProgress<ComparisonProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(outPath);
        AtomicFile.CheckTarget(outPath);
        string parts = outPath + PartsSuffix, manifestPath = Path.Combine(parts, "run.json");
        string manifest = Manifest();
        if (Directory.Exists(parts))
        {
            if (!resume)
            {
                throw new InvalidOperationException($"{parts}: an interrupted run left its finished clips here; pass --resume to continue it, or delete the folder to start again");
            }

            string previous = File.Exists(manifestPath) ? File.ReadAllText(manifestPath) : string.Empty;
            if (previous != manifest)
            {
                throw new InvalidOperationException($"{parts}: the interrupted run used other parameters (data, generator, clips, seed ...); delete the folder to start again. It used: {previous.ReplaceLineEndings(" ")}");
            }
        }
        else
        {
            Directory.CreateDirectory(parts);
            AtomicFile.WriteAllText(manifestPath, manifest);
        }

        long pairs = 0;
        for (int clip = 0; clip < Options.Clips; clip++)
        {
            cancellation.ThrowIfCancellationRequested();
            string part = PartPath(parts, clip);
            if (!File.Exists(part))
            {
                ComparisonFile.Write(part, GenerateClip(clip), int.MaxValue);
            }

            pairs += Options.PairsPerClip;
            progress?.Report(new ComparisonProgress(clip + 1, Options.Clips, pairs));
        }

        long rows = ComparisonFile.Write(outPath, Enumerable.Range(0, Options.Clips).Select(clip => ComparisonFile.ReadRowGroup(PartPath(parts, clip), 0)));
        Directory.Delete(parts, recursive: true);
        return rows;
    }

    /// <summary>Generates the rows of one clip (what <see cref="Generate"/> stores for it).</summary>
    /// <param name="clip">The clip index, 0 to <see cref="ComparisonDatasetOptions.Clips"/> - 1.</param>
    /// <returns>The clip's <see cref="ComparisonDatasetOptions.PairsPerClip"/> rows.</returns>
    public IReadOnlyList<ComparisonRow> GenerateClip(int clip)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(clip);
        DrawnClip drawn = _clips.Draw(clip, out SplitMix64 random);
        (string source, double offset, double duration, float[] cqt, int frames) = drawn;
        CqtOptions c = Cqt;
        var rows = new List<ComparisonRow>(Options.PairsPerClip);
        for (int pair = 0; pair < Options.PairsPerClip; pair++)
        {
            long aSeed = random.NextSeed(), bSeed = random.NextSeed();
            double aTemperature = Options.Temperatures[random.NextInt(Options.Temperatures.Count)];
            double bTemperature = Options.Temperatures[random.NextInt(Options.Temperatures.Count)];
            rows.Add(new ComparisonRow
            {
                PairId = PairId(Options.Seed, ((long)clip * Options.PairsPerClip) + pair),
                Source = source,
                OffsetSeconds = offset,
                DurationSeconds = duration,
                Frames = frames,
                SampleRate = c.SampleRate,
                HopLength = c.HopLength,
                Bins = c.BinCount,
                BinsPerOctave = c.BinsPerOctave,
                FMin = c.FMin,
                GeneratorSha256 = GeneratorSha256,
                ASeed = aSeed,
                ATemperature = aTemperature,
                ADropout = Options.Dropout,
                ACoherence = Options.Coherence,
                AControls = _generator.Generate(cqt, 1, frames, Options.Sample(aTemperature, aSeed)),
                BSeed = bSeed,
                BTemperature = bTemperature,
                BDropout = Options.Dropout,
                BCoherence = Options.Coherence,
                BControls = _generator.Generate(cqt, 1, frames, Options.Sample(bTemperature, bSeed)),
            });
        }

        return rows;
    }

    /// <inheritdoc/>
    public void Dispose() => _generator.Dispose();

    private static string PartPath(string parts, int clip) => Path.Combine(parts, string.Create(CultureInfo.InvariantCulture, $"clip-{clip:D6}.parquet"));

    private string Manifest() => JsonSerializer.Serialize(new
    {
        generator_sha256 = GeneratorSha256,
        files = _clips.FileCount,
        clips = Options.Clips,
        clip_seconds = Options.ClipSeconds,
        pairs_per_clip = Options.PairsPerClip,
        temperatures = Options.Temperatures,
        dropout = Options.Dropout,
        coherence = Options.Coherence,
        seed = Options.Seed,
    });
}
