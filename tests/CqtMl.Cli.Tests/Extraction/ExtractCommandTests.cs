using System.Diagnostics;
using System.Text.Json;
using CqtMl.Audio.IO;
using CqtMl.Cli.Extraction;
using CqtMl.MLNet.DataSources;

namespace CqtMl.Cli.Tests.Extraction;

/// <summary>
/// <c>cqtml extract</c>: n concurrent shard processes write byte for byte what one job writes; a killed shard resumes
/// and repairs what the kill (and later damage) left; the merge refuses incomplete or mixed outputs.
/// </summary>
public class ExtractCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-extract-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ShardOfATrackIsAFixedFunctionOfItsId()
    {
        // FNV-1a 64 of "9001" is 4014619545875269599 (computed by hand in Python): 0 mod 3, 2 mod 7.
        Assert.Equal(0, ShardAssignment.Of("9001", 3));
        Assert.Equal(2, ShardAssignment.Of("9001", 7));
        Assert.Equal(new ShardAssignment(2, 5), ShardAssignment.Parse("2/5"));
        Assert.Throws<FormatException>(() => ShardAssignment.Parse("3/3"));
        Assert.Throws<FormatException>(() => ShardAssignment.Parse("1"));
    }

    [Fact]
    public void ThreeConcurrentShardProcessesWriteExactlyWhatOneJobWrites()
    {
        string data = Data(pieces: 7, seconds: 2);
        string one = Path.Combine(_dir, "one"), three = Path.Combine(_dir, "three");
        var (code, stdout, stderr) = Cli.Run("extract", "--data", data, "--out", one, "--quiet");
        Assert.True(code == 0, stderr);
        using (JsonDocument summary = JsonDocument.Parse(stdout.Trim()))
        {
            Assert.Equal(7, summary.RootElement.GetProperty("extracted").GetInt32());
        }

        Process[] shards = Enumerable.Range(0, 3).Select(i => Process.Start(CliProcess("extract", "--data", data, "--out", three, "--shard", $"{i}/3", "--quiet"))!).ToArray();
        foreach (Process shard in shards)
        {
            // One JSON line on stdout (--quiet), far below a pipe's buffer: reading stderr first cannot block.
            string errors = shard.StandardError.ReadToEnd();
            string summary = shard.StandardOutput.ReadToEnd();
            shard.WaitForExit();
            Assert.Contains("\"failed\":0", summary, StringComparison.Ordinal);
            Assert.True(shard.ExitCode == 0, errors);
            shard.Dispose();
        }

        (code, _, stderr) = Cli.Run("extract", "--data", data, "--out", three, "--merge");
        Assert.True(code == 0, stderr);
        AssertSameFiles(one, three);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(three, ExtractionManifest.ShardFolder)).Length);
    }

    [Fact]
    public void AKilledShardResumesAndRepairsWhatTheKillAndLaterDamageLeft()
    {
        string data = Data(pieces: 10, seconds: 4);
        string whole = Path.Combine(_dir, "whole"), killed = Path.Combine(_dir, "killed");
        Assert.Equal(0, Cli.Run("extract", "--data", data, "--out", whole, "--quiet").Code);

        string manifest = Path.Combine(killed, ExtractionManifest.ShardFolder, "shard-0-of-1.tsv");
        using (Process process = Process.Start(CliProcess("extract", "--data", data, "--out", killed, "--shard", "0/1", "--threads", "1", "--quiet"))!)
        {
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            while (!process.HasExited && (!File.Exists(manifest) || File.ReadAllLines(manifest).Length < 4))
            {
                Thread.Sleep(5);
            }

            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        // Damage on top of the kill: one finished track's file altered, and a line cut short at the end.
        string[] finished = File.ReadAllLines(manifest).Skip(2).Where(l => ManifestEntry.Parse(l) is not null).ToArray();
        Assert.InRange(finished.Length, 2, 9);
        string altered = Path.Combine(killed, ManifestEntry.Parse(finished[0])!.CqtFile);
        byte[] bytes = File.ReadAllBytes(altered);
        bytes[^1] ^= 0x55;
        File.WriteAllBytes(altered, bytes);
        File.AppendAllText(manifest, "9999\ttrain_data/9999.wav\t12");

        var (code, stdout, stderr) = Cli.Run("extract", "--data", data, "--out", killed, "--shard", "0/1", "--quiet");
        Assert.True(code == 0, stderr);
        using (JsonDocument summary = JsonDocument.Parse(stdout.Trim()))
        {
            JsonElement root = summary.RootElement;
            Assert.True(root.GetProperty("repaired").GetInt32() >= 2, stdout);
            Assert.Equal(10, root.GetProperty("extracted").GetInt32() + root.GetProperty("already_done").GetInt32());
        }

        Assert.Equal(0, Cli.Run("extract", "--data", data, "--out", killed, "--merge").Code);
        AssertSameFiles(whole, killed);
        Assert.Empty(Directory.GetFiles(killed, "*.cqtml-tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void ParquetHoldsOneRowPerTrackWithTheNpyTensorsAndShardsWriteTheSameBytes()
    {
        string data = Data(pieces: 4, seconds: 1.5);
        string npy = Path.Combine(_dir, "npy"), parquet = Path.Combine(_dir, "parquet"), sharded = Path.Combine(_dir, "parquet-sharded");
        Assert.Equal(0, Cli.Run("extract", "--data", data, "--out", npy, "--quiet").Code);
        var (code, _, stderr) = Cli.Run("extract", "--data", data, "--out", parquet, "--format", "parquet", "--quiet");
        Assert.True(code == 0, stderr);
        foreach (string shard in new[] { "0/2", "1/2" })
        {
            Assert.Equal(0, Cli.Run("extract", "--data", data, "--out", sharded, "--format", "parquet", "--shard", shard, "--quiet").Code);
        }

        Assert.Equal(0, Cli.Run("extract", "--data", data, "--out", sharded, "--merge").Code);
        Assert.Equal(File.ReadAllBytes(Path.Combine(parquet, ExtractionManifest.MergedName)), File.ReadAllBytes(Path.Combine(sharded, ExtractionManifest.MergedName)));
        string[] files = Directory.GetFiles(Path.Combine(parquet, ExtractionJob.ParquetFolder)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(4, files.Length);
        foreach (string file in files)
        {
            string id = Path.GetFileNameWithoutExtension(file);
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(sharded, ExtractionJob.ParquetFolder, Path.GetFileName(file))));

            // Apache Arrow's C++ reader (ParquetSharp) against the .npy files of the same tracks.
            using var reader = new ParquetSharp.ParquetFileReader(file);
            Assert.Equal(new[] { "track_id", "source", "frames", "bins", "cqt", "targets" }, reader.FileMetaData.Schema.GroupNode.Fields.Select(f => f.Name).ToArray());
            Assert.Equal(1, reader.FileMetaData.NumRows);
            using ParquetSharp.RowGroupReader group = reader.RowGroup(0);
            Assert.Equal(id, group.Column(0).LogicalReader<string>().ReadAll(1)[0]);
            (long[] shape, float[] cqt) = NpyReader.ReadAll(Path.Combine(npy, ExtractionJob.FileOf(ExtractionJob.CqtFolder, id)));
            Assert.Equal((int)shape[2], group.Column(2).LogicalReader<int>().ReadAll(1)[0]);
            Assert.Equal(cqt, group.Column(4).LogicalReader<float[]>().ReadAll(1)[0]);
            Assert.Equal(NpyReader.ReadAll(Path.Combine(npy, ExtractionJob.FileOf(ExtractionJob.TargetsFolder, id))).Values, group.Column(5).LogicalReader<float[]>().ReadAll(1)[0]);
        }
    }

    [Fact]
    public void TheMergeRefusesAMissingShardAndAResumeRefusesOtherParameters()
    {
        string data = Data(pieces: 4, seconds: 1);
        string output = Path.Combine(_dir, "partial");
        Assert.Equal(0, Cli.Run("extract", "--data", data, "--out", output, "--shard", "0/2", "--quiet").Code);
        var (code, _, stderr) = Cli.Run("extract", "--data", data, "--out", output, "--merge");
        Assert.Equal(1, code);
        Assert.Contains("shard 1/2 has not run", stderr, StringComparison.Ordinal);

        (code, _, stderr) = Cli.Run("extract", "--data", data, "--out", output, "--shard", "0/2", "--hop-length", "128", "--quiet");
        Assert.Equal(1, code);
        Assert.Contains("other parameters", stderr, StringComparison.Ordinal);

        (code, _, stderr) = Cli.Run("extract", "--data", data, "--out", output, "--shard", "2/2");
        Assert.Equal(2, code);
        Assert.Contains("--shard", stderr, StringComparison.Ordinal);

        // Pairs are extracted in one job, as npy: sharding them is a usage error; a missing comparison file is named.
        (code, _, stderr) = Cli.Run("extract", "--pairs", Path.Combine(_dir, "labelled.parquet"), "--data", data, "--out", output, "--shard", "0/2");
        Assert.Equal(2, code);
        Assert.Contains("--pairs", stderr, StringComparison.Ordinal);
        (code, _, stderr) = Cli.Run("extract", "--pairs", Path.Combine(_dir, "labelled.parquet"), "--data", data, "--out", Path.Combine(_dir, "pairs"));
        Assert.Equal(1, code);
        Assert.Contains("labelled.parquet", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "pairs")));
    }

    private static ProcessStartInfo CliProcess(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cqtml.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static void AssertSameFiles(string expected, string actual)
    {
        foreach (string folder in new[] { ExtractionJob.CqtFolder, ExtractionJob.TargetsFolder })
        {
            string[] names = Directory.GetFiles(Path.Combine(expected, folder)).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
            Assert.Equal(names, Directory.GetFiles(Path.Combine(actual, folder)).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
            foreach (string name in names)
            {
                Assert.True(File.ReadAllBytes(Path.Combine(expected, folder, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, folder, name))), $"{folder}/{name} differs");
            }
        }

        Assert.Equal(File.ReadAllBytes(Path.Combine(expected, ExtractionManifest.MergedName)), File.ReadAllBytes(Path.Combine(actual, ExtractionManifest.MergedName)));
    }

    private string Data(int pieces, double seconds)
    {
        string root = Path.Combine(_dir, $"musicnet-{pieces}");
        SyntheticMusicNet.Write(root, trainPieces: pieces - 1, testPieces: 1, seconds: seconds);
        return root;
    }
}
