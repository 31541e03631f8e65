using System.CommandLine;
using System.Globalization;
using CqtMl.Cli.Extraction;
using CqtMl.MLNet;

namespace CqtMl.Cli.Commands;

/// <summary>
/// <c>cqtml extract --data &lt;root&gt; --out &lt;dir&gt; [--shard i/n]</c>: the CQT (and MusicNet register targets) of
/// every track of a data set as .npy files with a manifest; n independent jobs (a Kubernetes Indexed Job, a Slurm
/// array, local processes) write exactly what one job writes; <c>--merge</c> checks them and writes <c>manifest.tsv</c>.
/// </summary>
internal static class ExtractCommand
{
    public static Command Create(TextWriter stdout)
    {
        var data = new Option<string>("--data") { Description = "Data root: a MusicNet layout (register targets too), an FMA layout, or any folder of audio files.", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder: cqt/<track>.npy, targets/<track>.npy, manifest/shard-<i>-of-<n>.tsv, manifest.tsv.", Required = true };
        var shard = new Option<string?>("--shard") { Description = "This job's shard i/n (0 <= i < n): the tracks whose id hashes to i. Without it: the whole data set, merged at the end." };
        var merge = new Option<bool>("--merge") { Description = "Check every shard's manifest and files against the data set and write manifest.tsv (no extraction)." };
        var format = new Option<string>("--format") { Description = "npy: cqt/<track>.npy [2, bins, T] (and targets/<track>.npy [4, T]); parquet: parquet/<track>.parquet, one row per track with the tensors flattened (a folder of them reads as one table).", DefaultValueFactory = _ => ExtractionJob.Npy };
        format.AcceptOnlyFromAmong(ExtractionJob.Npy, ExtractionJob.Parquet);
        var maxDuration = new Option<double?>("--max-duration") { CustomParser = r => CliNumbers.ParseDouble(r), Description = "Fix every track to this many seconds (truncated, or padded with silence)." };
        var subset = new Option<string>("--subset") { Description = "FMA subset to read, for FMA layouts.", DefaultValueFactory = _ => nameof(FmaSubset.Small).ToLowerInvariant() };
        subset.AcceptOnlyFromAmong(Enum.GetNames<FmaSubset>().Select(n => n.ToLowerInvariant()).ToArray());
        var pairs = new Option<string?>("--pairs") { Description = "A labelled comparison file (cqtml compare + judge or label): write its pairs instead (pairs.tsv, clips/<k>.npy [2, bins, T], controls/<pair>.npy [2, 4, T]) for tools/pytorch/train_reward_ddp.py; --data is the audio root of its sources, the CQT parameters are the file's." };
        var threads = new Option<int>("--threads") { CustomParser = CliNumbers.ParseInt, Description = "Tracks extracted at once (each on one core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var cqtFlags = new CqtFlags();

        var command = new Command("extract", "Extract the CQT of every track of a data set, sharded for cluster schedulers, resumable.\nExample: cqtml extract --data /data/musicnet --out /data/cqt --shard 0/3   (then: cqtml extract --data /data/musicnet --out /data/cqt --merge)")
        {
            data, output, shard, merge, format, maxDuration, subset, threads, pairs,
        };
        foreach (Option flag in cqtFlags.All)
        {
            command.Options.Add(flag);
        }

        command.SetAction((parse, cancel) =>
        {
            string dataRoot = parse.GetRequiredValue(data), outDir = parse.GetRequiredValue(output);
            FmaSubset fmaSubset = Enum.Parse<FmaSubset>(parse.GetRequiredValue(subset), ignoreCase: true);
            if (parse.GetValue(pairs) is string pairsPath)
            {
                if (parse.GetValue(merge) || parse.GetValue(shard) is not null || parse.GetValue(maxDuration) is not null || parse.GetRequiredValue(format) != ExtractionJob.Npy)
                {
                    throw new UsageException("--pairs: extracts the pairs of one comparison file as npy in one job; drop --merge, --shard, --max-duration and --format");
                }

                (int written, int clips, int unlabelled, _) = PairExtraction.Run(pairsPath, dataRoot, outDir);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cqtml extract: {written} labelled pairs of {clips} clips ({unlabelled} unlabelled rows left out) -> {Path.Combine(outDir, PairExtraction.TableName)}"));
                return Task.FromResult(Program.Success);
            }

            if (parse.GetValue(merge))
            {
                (int tracks, int failed) = ExtractionMerge.Run(dataRoot, outDir, fmaSubset);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cqtml extract: merged {tracks} tracks ({failed} failed) into {Path.Combine(outDir, ExtractionManifest.MergedName)}"));
                return Task.FromResult(Program.Success);
            }

            ShardAssignment assignment;
            try
            {
                assignment = parse.GetValue(shard) is string text ? ShardAssignment.Parse(text) : ShardAssignment.Whole;
            }
            catch (FormatException e)
            {
                throw new UsageException($"--shard: {e.Message}");
            }

            double? seconds = parse.GetValue(maxDuration);
            if (seconds is <= 0 or double.NaN or double.PositiveInfinity)
            {
                throw new UsageException($"--max-duration must be a positive number of seconds, got {seconds}.");
            }

            int workers = parse.GetValue(threads);
            if (workers < 1)
            {
                throw new UsageException($"--threads must be at least 1, got {workers}.");
            }

            var job = new ExtractionJob(dataRoot, outDir, assignment, cqtFlags.Read(parse), seconds, fmaSubset, workers, parse.GetRequiredValue(format));
            TextWriter progress = Program.ProgressWriter(parse, stdout);
            ExtractionSummary summary = job.Run(line => progress.WriteLine($"cqtml extract: {line}"), cancel);
            if (parse.GetValue(shard) is null)
            {
                // The job has just written or checked every file of the (single) manifest: the merge does not hash them again.
                ExtractionMerge.Run(dataRoot, outDir, fmaSubset, job.AllTracks, checkFiles: false);
            }

            stdout.WriteLine(summary.ToJson());
            return Task.FromResult(summary.Failed > 0 ? Program.BadInput : Program.Success);
        });
        return command;
    }
}
