using System.Diagnostics;
using System.Text;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;
using CqtMl.Audio.IO;
using CqtMl.MLNet;
using CqtMl.MLNet.DataSources;

namespace CqtMl.Cli.Extraction;

/// <summary>
/// One extraction job: the CQT (and, for MusicNet layouts, the register targets) of every track of its shard, one
/// .npy file per track written atomically, then a manifest line appended and flushed. Idempotent and resumable: a rerun
/// keeps the tracks whose manifest line and files verify, drops lines a kill cut short or whose files are missing or
/// altered, and extracts the rest. The files of a track do not depend on the shard or the thread that wrote them.
/// </summary>
/// <param name="Data">The data root.</param>
/// <param name="OutDir">The output folder.</param>
/// <param name="Shard">This job's shard.</param>
/// <param name="Cqt">The CQT options.</param>
/// <param name="MaxDurationSeconds">A fixed duration (truncated or padded), or null.</param>
/// <param name="FmaSubset">The FMA subset, for FMA layouts.</param>
/// <param name="Threads">Tracks extracted at once.</param>
/// <param name="Format">npy (a file per tensor) or parquet (a one-row file per track, tensors flattened).</param>
internal sealed record ExtractionJob(string Data, string OutDir, ShardAssignment Shard, CqtOptions Cqt, double? MaxDurationSeconds, FmaSubset FmaSubset, int Threads, string Format = ExtractionJob.Npy)
{
    /// <summary>The .npy format.</summary>
    public const string Npy = "npy";

    /// <summary>The Parquet format.</summary>
    public const string Parquet = "parquet";

    /// <summary>The folder of the Parquet files, under the output folder.</summary>
    public const string ParquetFolder = "parquet";

    /// <summary>The folder of the CQT files, under the output folder.</summary>
    public const string CqtFolder = "cqt";

    /// <summary>The folder of the register target files, under the output folder.</summary>
    public const string TargetsFolder = "targets";

    private readonly Lazy<IReadOnlyList<ExtractionTrack>> _allTracks = new(() => ExtractionData.Read(Data, FmaSubset));

    /// <summary>Gets every track of the data set (all shards), read once.</summary>
    public IReadOnlyList<ExtractionTrack> AllTracks => _allTracks.Value;

    /// <summary>Runs the job.</summary>
    /// <param name="progress">Receives a line per finished track (may be null).</param>
    /// <param name="cancel">Stops after the tracks being extracted.</param>
    /// <returns>What it did.</returns>
    public ExtractionSummary Run(Action<string>? progress, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        string parameters = ExtractionManifest.Parameters(Cqt, MaxDurationSeconds, Format);
        List<ExtractionTrack> tracks = AllTracks.Where(t => Shard.Owns(t.Id)).ToList();
        string manifest = Path.Combine(OutDir, ExtractionManifest.ShardFolder, Shard.ManifestName);
        var done = new List<ManifestEntry>();
        int repaired = 0;
        if (File.Exists(manifest))
        {
            (string header, List<ManifestEntry> entries, int dropped) = ExtractionManifest.ReadVerified(manifest, OutDir);
            if (header != ExtractionManifest.Header(parameters))
            {
                throw new InvalidDataException($"{manifest} was written with other parameters ({header[2..]}); use another --out, or the same parameters");
            }

            var ids = tracks.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
            done = entries.Where(e => ids.Contains(e.TrackId)).GroupBy(e => e.TrackId).Select(g => g.Last()).ToList();
            repaired = dropped + (entries.Count - done.Count);
        }

        // Rewritten atomically with the verified lines only: a cut line or a stale entry never survives a resume.
        ExtractionManifest.Write(manifest, parameters, done);
        var finished = done.Select(e => e.TrackId).ToHashSet(StringComparer.Ordinal);
        List<ExtractionTrack> pending = tracks.Where(t => !finished.Contains(t.Id)).ToList();
        int extracted = 0, failed = done.Count(e => e.Failed);
        double audioSeconds = 0;
        var extractor = new CqtExtractor(Cqt with { MaxDegreeOfParallelism = 1 });
        long? sampleCount = MaxDurationSeconds is double seconds ? Cqt.SampleCountOf(seconds) : null;
        using (var append = new FileStream(manifest, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            var gate = new object();
            Parallel.ForEach(pending, new ParallelOptions { MaxDegreeOfParallelism = Threads, CancellationToken = cancel }, track =>
            {
                ManifestEntry entry = Extract(track, extractor, sampleCount);
                byte[] line = Encoding.UTF8.GetBytes(entry.ToLine() + "\n");
                lock (gate)
                {
                    append.Write(line);
                    append.Flush(flushToDisk: true);
                    extracted++;
                    failed += entry.Failed ? 1 : 0;
                    audioSeconds += entry.Frames * (double)Cqt.HopLength / Cqt.SampleRate;
                    progress?.Invoke($"{track.Id}: {(entry.Failed ? $"failed: {entry.Error}" : $"{entry.Frames} frames")} ({done.Count + extracted}/{tracks.Count})");
                }
            });
        }

        return new ExtractionSummary(Shard, tracks.Count, extracted, done.Count, failed, repaired, audioSeconds, clock.Elapsed.TotalSeconds, Threads);
    }

    /// <summary>Gets a track's file name under a folder: its id, with '/' kept as sub-folders.</summary>
    /// <param name="folder">The folder (<see cref="CqtFolder"/> or <see cref="TargetsFolder"/>).</param>
    /// <param name="trackId">The track's id.</param>
    /// <returns>The path relative to the output folder.</returns>
    public static string FileOf(string folder, string trackId) => $"{folder}/{trackId}.npy";

    private ManifestEntry Extract(ExtractionTrack track, CqtExtractor extractor, long? sampleCount)
    {
        float[] tensor;
        int frames;
        try
        {
            (tensor, frames) = AudioCqtStream.ComputeTensor(track.Path, extractor, sampleCount);
        }
        catch (AudioFormatException e)
        {
            return new ManifestEntry(track.Id, track.Source, 0, string.Empty, string.Empty, string.Empty, string.Empty, e.Reason);
        }

        float[]? targets = track.Labels is null ? null : RegisterTargets.Compute(track.Labels, frames, Cqt.SampleRate, Cqt.HopLength);
        if (Format == Parquet)
        {
            string file = $"{ParquetFolder}/{track.Id}.parquet";
            var row = new ExtractedTrackRow { TrackId = track.Id, Source = track.Source, Frames = frames, Bins = Cqt.BinCount, Cqt = tensor, Targets = targets ?? Array.Empty<float>() };
            using var buffer = new MemoryStream();
            global::Parquet.Serialization.ParquetSerializer.SerializeAsync(new[] { row }, buffer).GetAwaiter().GetResult();
            return new ManifestEntry(track.Id, track.Source, frames, file, WriteFile(file, buffer.ToArray()), string.Empty, string.Empty, string.Empty);
        }

        string cqtFile = FileOf(CqtFolder, track.Id);
        string cqtHash = WriteFile(cqtFile, NpyWriter.ToBytes(tensor, 2, Cqt.BinCount, frames));
        string targetsFile = string.Empty, targetsHash = string.Empty;
        if (targets is not null)
        {
            targetsFile = FileOf(TargetsFolder, track.Id);
            targetsHash = WriteFile(targetsFile, NpyWriter.ToBytes(targets, RegisterTargets.RegisterCount, frames));
        }

        return new ManifestEntry(track.Id, track.Source, frames, cqtFile, cqtHash, targetsFile, targetsHash, string.Empty);
    }

    private string WriteFile(string relative, byte[] bytes)
    {
        AtomicFile.WriteAllBytes(Path.Combine(OutDir, relative), bytes); // creates the folder
        return ExtractionManifest.Sha256(bytes);
    }
}
