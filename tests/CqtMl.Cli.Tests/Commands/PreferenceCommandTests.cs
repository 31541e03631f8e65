using System.Text.Json;
using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Generation;
using CqtMl.Preferences.Comparisons;
using ParquetSharp;

namespace CqtMl.Cli.Tests.Commands;

/// <summary>
/// The preference-learning commands end to end on synthetic music and a random generator: compare, regenerate a
/// sample from its row, judge, label import, train-reward, score; the Parquet files read by another implementation
/// (ParquetSharp, Apache Arrow's C++ reader).
/// </summary>
public class PreferenceCommandTests : IDisposable
{
    private readonly PreferenceData _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void CompareWritesTheSchemaAnotherParquetReaderReadsAndEverySampleRegenerates()
    {
        string pairs = _data.PathOf("pairs.parquet");
        var (code, stdout, err) = Cli.Run("compare", "--data", _data.Data, "--model", _data.Generator, "--out", pairs, "--clips", "3", "--clip-seconds", "1.5", "--pairs-per-clip", "2", "--temperatures", "0.8,1.2", "--dropout", "0.1", "--seed", "5");
        Assert.True(code == 0, err);
        Assert.Contains("6 pairs from 3 clips", stdout);
        Assert.False(Directory.Exists(pairs + ComparisonDatasetGenerator.PartsSuffix));

        // Another implementation reads exactly the issue's columns, in order, with their types.
        using (var file = new ParquetFileReader(pairs))
        {
            var fields = file.FileMetaData.Schema.GroupNode.Fields;
            Assert.Equal(ComparisonColumns.All, fields.Select(f => f.Name).ToArray());
            Assert.Equal(6, file.FileMetaData.NumRows);
            Assert.Equal(3, file.FileMetaData.NumRowGroups);
            using RowGroupReader group = file.RowGroup(0);
            int Column(string name) => Array.IndexOf(ComparisonColumns.All.ToArray(), name);
            string[] ids = group.Column(Column(ComparisonColumns.PairId)).LogicalReader<string>().ReadAll(2);
            Assert.Equal(new[] { "s5-p000000", "s5-p000001" }, ids);
            string source = group.Column(Column(ComparisonColumns.Source)).LogicalReader<string>().ReadAll(1)[0];
            Assert.Matches("^pieces/piece[0-2]\\.wav$", source);
            int frames = group.Column(Column(ComparisonColumns.Frames)).LogicalReader<int>().ReadAll(1)[0];
            Assert.Equal(new CqtOptions().FrameCount((long)Math.Round(1.5 * 22050)), frames);
            float[][] controls = group.Column(Column(ComparisonColumns.A + ComparisonColumns.Controls)).LogicalReader<float[]>().ReadAll(2);
            Assert.All(controls, c => Assert.Equal(4 * frames, c.Length));
            Assert.All(group.Column(Column(ComparisonColumns.Label)).LogicalReader<string?>().ReadAll(2), Assert.Null);
            Assert.All(group.Column(Column(ComparisonColumns.LabelledAt)).LogicalReader<DateTime?>().ReadAll(2), v => Assert.Null(v));
            Assert.All(group.Column(Column(ComparisonColumns.A + ComparisonColumns.Coherence)).LogicalReader<double>().ReadAll(2), v => Assert.Equal(GenerationOptions.DefaultCoherence, v));
        }

        // Every sample regenerates bit for bit through cqtml generate.
        List<ComparisonRow> rows = ComparisonFile.ReadAll(pairs);
        Assert.Equal(6, rows.Select(r => r.PairId).Distinct().Count());
        foreach (ComparisonRow row in new[] { rows[0], rows[^1] })
        {
            foreach ((long seed, double temperature, double dropout, double coherence, float[] expected) in new[] { (row.ASeed, row.ATemperature, row.ADropout, row.ACoherence, row.AControls), (row.BSeed, row.BTemperature, row.BDropout, row.BCoherence, row.BControls) })
            {
                string npy = _data.PathOf("again.npy");
                (code, _, err) = Cli.Run("generate", Path.Combine(_data.Data, row.Source), "--model", _data.Generator, "--out", npy, "--mode", "stochastic",
                    "--offset", row.OffsetSeconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "--duration", row.DurationSeconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                    "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--temperature", temperature.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                    "--dropout", dropout.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "--coherence", coherence.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                Assert.True(code == 0, err);
                var (shape, values) = Cli.ReadNpy(npy);
                Assert.Equal(new long[] { 1, 4, row.Frames }, shape);
                Assert.Equal(expected, values);
            }
        }

        // The two samples of a pair differ; the same seed gives the same file.
        Assert.Contains(rows, r => !r.AControls.SequenceEqual(r.BControls));
        string again = _data.PathOf("again.parquet");
        Assert.Equal(0, Cli.Run("compare", "--data", _data.Data, "--model", _data.Generator, "--out", again, "--clips", "3", "--clip-seconds", "1.5", "--pairs-per-clip", "2", "--temperatures", "0.8,1.2", "--dropout", "0.1", "--seed", "5").Code);
        Assert.Equal(File.ReadAllBytes(pairs), File.ReadAllBytes(again));
    }

    [Fact]
    public void AnInterruptedRunResumesToTheSameFile()
    {
        var options = new ComparisonDatasetOptions { Clips = 4, ClipSeconds = 1, PairsPerClip = 2, Seed = 8 };
        string whole = _data.PathOf("whole.parquet"), resumed = _data.PathOf("resumed.parquet");
        using (var generator = new ComparisonDatasetGenerator(_data.Data, _data.Generator, options))
        {
            Assert.Equal(8, generator.Generate(whole));
            using var cancel = new CancellationTokenSource();
            var stopAfterTwo = new Progress(p => { if (p.ClipsDone == 2) { cancel.Cancel(); } });
            Assert.Throws<OperationCanceledException>(() => generator.Generate(resumed, progress: stopAfterTwo, cancellation: cancel.Token));
            Assert.False(File.Exists(resumed));
            Assert.Equal(2, Directory.GetFiles(resumed + ComparisonDatasetGenerator.PartsSuffix, "clip-*.parquet").Length);

            // Without --resume the leftover work is not overwritten.
            var error = Assert.Throws<InvalidOperationException>(() => generator.Generate(resumed));
            Assert.Contains("--resume", error.Message);
        }

        var (code, _, err) = Cli.Run("compare", "--data", _data.Data, "--model", _data.Generator, "--out", resumed, "--clips", "4", "--clip-seconds", "1", "--pairs-per-clip", "2", "--seed", "8", "--resume");
        Assert.True(code == 0, err);
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(resumed));
        Assert.False(Directory.Exists(resumed + ComparisonDatasetGenerator.PartsSuffix));

        // Resuming with other parameters is refused.
        Directory.CreateDirectory(resumed + ComparisonDatasetGenerator.PartsSuffix);
        File.WriteAllText(Path.Combine(resumed + ComparisonDatasetGenerator.PartsSuffix, "run.json"), "{}");
        (code, _, err) = Cli.Run("compare", "--data", _data.Data, "--model", _data.Generator, "--out", resumed, "--clips", "4", "--seed", "9", "--resume");
        Assert.Equal(1, code);
        Assert.Contains("other parameters", err);
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(resumed));
    }

    [Fact]
    public void JudgeLabelImportTrainRewardAndScore()
    {
        string pairs = _data.PathOf("pairs.parquet");
        Assert.Equal(0, Cli.Run("compare", "--data", _data.Data, "--model", _data.Generator, "--out", pairs, "--clips", "6", "--clip-seconds", "1", "--pairs-per-clip", "3", "--seed", "1").Code);

        foreach (string judge in new[] { "onset", "register-energy", "smoothness" })
        {
            string judged = _data.PathOf($"{judge}.parquet");
            var (judgeCode, judgeOut, judgeErr) = Cli.Run("judge", "--judge", judge, "--pairs", pairs, "--data", _data.Data, "--out", judged);
            Assert.True(judgeCode == 0, judgeErr);
            Assert.Contains($"cqtml judge ({judge})", judgeOut);
            List<ComparisonRow> labelled = ComparisonFile.ReadAll(judged);
            Assert.All(labelled, r => Assert.Contains(r.Label, new[] { "a", "b", "tie" }));
            Assert.All(labelled, r => Assert.Equal(judge, r.Judge));
            Assert.All(labelled, r => Assert.NotNull(r.LabelledAt));
        }

        // Labels from elsewhere: a CSV of pair_id,label.
        List<ComparisonRow> rows = ComparisonFile.ReadAll(pairs);
        string csv = _data.PathOf("labels.csv");
        File.WriteAllLines(csv, new[] { "pair_id,label" }.Concat(rows.Select((r, i) => $"{r.PairId},{(i % 3 == 0 ? "b" : i % 3 == 1 ? "a" : "tie")}")));
        string imported = _data.PathOf("imported.parquet");
        var (code, stdout, err) = Cli.Run("label", "import", "--pairs", pairs, "--labels", csv, "--out", imported, "--judge", "person");
        Assert.True(code == 0, err);
        Assert.Contains($"{rows.Count} labels", stdout);
        List<ComparisonRow> importedRows = ComparisonFile.ReadAll(imported);
        Assert.Equal("b", importedRows[0].Label);
        Assert.Equal("a", importedRows[1].Label);
        Assert.Equal("tie", importedRows[2].Label);
        Assert.All(importedRows, r => Assert.Equal("person", r.Judge));

        // train-reward on the smoothness labels: every file, a validation accuracy on clips it did not train on.
        string model = _data.PathOf("reward");
        (code, stdout, err) = Cli.Run("train-reward", "--pairs", _data.PathOf("smoothness.parquet"), "--data", _data.Data, "--out", model, "--epochs", "1", "--steps-per-epoch", "2", "--batch-size", "2", "--validation-fraction", "0.3", "--seed", "2");
        Assert.True(code == 0, err);
        foreach (string file in new[] { "reward.onnx", "reward.safetensors", "checkpoint.bin", "metrics.json", "training-curve.png" })
        {
            Assert.True(File.Exists(Path.Combine(model, file)), file);
        }

        using (JsonDocument metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "metrics.json"))))
        {
            JsonElement root = metrics.RootElement;
            Assert.Equal(2, root.GetProperty("validation_clips").GetInt32());
            Assert.Equal(4, root.GetProperty("training_clips").GetInt32());
            Assert.Equal(18, root.GetProperty("labelled_pairs").GetInt32());
            Assert.Equal(JsonValueKind.Number, root.GetProperty("validation_accuracy").ValueKind);
        }

        // score: rewards of both samples of every pair, and the accuracy over the rows labelled a or b.
        string scored = _data.PathOf("scored.parquet");
        (code, stdout, err) = Cli.Run("score", "--model", Path.Combine(model, "reward.onnx"), "--pairs", imported, "--data", _data.Data, "--out", scored);
        Assert.True(code == 0, err);
        using (JsonDocument summary = JsonDocument.Parse(stdout))
        {
            Assert.Equal(18, summary.RootElement.GetProperty("pairs").GetInt32());
            Assert.Equal(12, summary.RootElement.GetProperty("labelled").GetInt32());
            Assert.InRange(summary.RootElement.GetProperty("accuracy").GetDouble(), 0, 1);
        }

        using (var file = new ParquetFileReader(scored))
        {
            Assert.Equal(ComparisonColumns.All.Concat(ComparisonColumns.Scores), file.FileMetaData.Schema.GroupNode.Fields.Select(f => f.Name));
        }

        // score of an audio file's samples: one reward per sample, the same as the dataset's for the same controls.
        ComparisonRow first = importedRows[0];
        string npy = _data.PathOf("controls.npy");
        CqtMl.Audio.IO.NpyWriter.WriteAll(npy, first.AControls.Concat(first.BControls).ToArray(), 2, 4, first.Frames);
        (code, stdout, err) = Cli.Run("score", "--model", Path.Combine(model, "reward.onnx"), Path.Combine(_data.Data, first.Source), "--controls", npy,
            "--offset", first.OffsetSeconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "--duration", first.DurationSeconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(code == 0, err);
        float[] rewards = JsonSerializer.Deserialize<float[]>(stdout)!;
        Assert.Equal(2, rewards.Length);
        using (var onnx = CqtMl.Onnx.Reward.OnnxRewardModel.Load(Path.Combine(model, "reward.onnx")))
        {
            (float[] cqt, _) = new ComparisonClips(_data.Data, "test").Get(first);
            Assert.Equal(onnx.ScoreSamples(cqt, first.AControls.Concat(first.BControls).ToArray(), first.Frames), rewards);
        }
    }

    [Fact]
    public void BadLabelsAndMissingSourcesAreErrorsThatNameTheLineOrPairAndWriteNothing()
    {
        string pairs = _data.PathOf("pairs.parquet");
        Assert.Equal(0, Cli.Run("compare", "--data", _data.Data, "--model", _data.Generator, "--out", pairs, "--clips", "2", "--clip-seconds", "1", "--pairs-per-clip", "1", "--seed", "3").Code);
        List<ComparisonRow> rows = ComparisonFile.ReadAll(pairs);
        string csv = _data.PathOf("labels.csv"), outPath = _data.PathOf("out.parquet");
        foreach ((string[] lines, string expected) in new[]
        {
            (new[] { "pair_id,label", $"{rows[0].PairId},a", "nope,b" }, "labels.csv:3: pair 'nope' is not in"),
            (new[] { "pair_id,label", $"{rows[0].PairId},A" }, "labels.csv:2: label 'A'"),
            (new[] { "pair_id,label", $"{rows[0].PairId},better" }, "labels.csv:2: label 'better'"),
            (new[] { "id,choice", $"{rows[0].PairId},a" }, "labels.csv:1: expected the header"),
            (new[] { "pair_id,label", $"{rows[0].PairId},a", $"{rows[0].PairId},b" }, "labels.csv:3: pair"),
            (new[] { "pair_id,label", $"{rows[0].PairId},a,extra" }, "labels.csv:2: expected 2 fields"),
        })
        {
            File.WriteAllLines(csv, lines);
            var (code, _, err) = Cli.Run("label", "import", "--pairs", pairs, "--labels", csv, "--out", outPath);
            Assert.Equal(1, code);
            Assert.Contains(expected, err);
            Assert.False(File.Exists(outPath));
        }

        // A pair whose source file is gone: the error names the pair and the file; the existing output is untouched.
        File.WriteAllText(outPath, "previous");
        File.Move(Path.Combine(_data.Data, rows[1].Source), _data.PathOf("moved.wav"));
        var (judgeCode, _, judgeErr) = Cli.Run("judge", "--judge", "smoothness", "--pairs", pairs, "--data", _data.Data, "--out", outPath);
        Assert.Equal(1, judgeCode);
        Assert.Contains($"pair '{rows[1].PairId}'", judgeErr);
        Assert.Contains(rows[1].Source.Split('/')[^1], judgeErr);
        Assert.Equal("previous", File.ReadAllText(outPath));

        // Not a comparison dataset: the error names the file.
        var (scoreCode, _, scoreErr) = Cli.Run("judge", "--judge", "onset", "--pairs", outPath, "--data", _data.Data, "--out", _data.PathOf("x.parquet"));
        Assert.Equal(1, scoreCode);
        Assert.Contains(outPath, scoreErr);
    }

    [Fact]
    public void GenerateBestOfNWritesTheSampleTheRewardModelScoresHighest()
    {
        string wav = Path.Combine(_data.Data, "pieces", "piece1.wav"), all = _data.PathOf("all.npy"), best = _data.PathOf("best.npy");
        string[] common = { "--model", _data.Generator, "--mode", "stochastic", "--seed", "3", "--temperature", "1.2", "--duration", "1" };
        Assert.Equal(0, Cli.Run(new[] { "generate", wav, "--out", all, "--samples", "4" }.Concat(common).ToArray()).Code);
        var (code, stdout, err) = Cli.Run(new[] { "generate", wav, "--out", best, "--best-of", "4", "--reward", _data.Reward }.Concat(common).ToArray());
        Assert.True(code == 0, err);
        var match = System.Text.RegularExpressions.Regex.Match(stdout, @"best of 4: sample (\d), reward (\S+)");
        Assert.True(match.Success, stdout);
        int index = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        var (shape, samples) = Cli.ReadNpy(all);
        var (bestShape, chosen) = Cli.ReadNpy(best);
        int size = (int)(4 * shape[2]);
        Assert.Equal(new[] { 1L, 4, shape[2] }, bestShape);
        Assert.Equal(samples.AsSpan(index * size, size).ToArray(), chosen);
        string npy = _data.PathOf("scores.npy");
        CqtMl.Audio.IO.NpyWriter.WriteAll(npy, samples, 4, 4, (int)shape[2]);
        (code, stdout, err) = Cli.Run("score", "--model", _data.Reward, wav, "--controls", npy, "--duration", "1");
        Assert.True(code == 0, err);
        float[] rewards = JsonSerializer.Deserialize<float[]>(stdout)!;
        Assert.Equal(Array.IndexOf(rewards, rewards.Max()), index);

        Assert.Equal(0, Cli.Run(new[] { "generate", wav, "--out", best, "--best-of", "4" }.Concat(common).ToArray()).Code); // the shipped reward model
        Assert.Equal(2, Cli.Run(new[] { "generate", wav, "--out", best, "--reward", _data.Reward }.Concat(common).ToArray()).Code); // --reward needs --best-of
        Assert.Equal(2, Cli.Run("generate", wav, "--out", best, "--model", _data.Generator, "--best-of", "4", "--reward", _data.Reward).Code);
    }

    [Fact]
    public void BadOptionsAreUsageErrorsNamingTheFlag()
    {
        foreach ((string[] args, string flag) in new[]
        {
            (new[] { "compare", "--data", _data.Data, "--model", _data.Generator, "--out", _data.PathOf("x.parquet"), "--temperatures", "1,0" }, "--temperatures"),
            (new[] { "compare", "--data", _data.Data, "--model", _data.Generator, "--out", _data.PathOf("x.parquet"), "--temperatures", "1,warm" }, "--temperatures"),
            (new[] { "compare", "--data", _data.Data, "--model", _data.Generator, "--out", _data.PathOf("x.parquet"), "--clip-seconds", "0.1" }, "--clip-seconds"),
            (new[] { "compare", "--data", _data.Data, "--model", _data.Generator, "--out", _data.PathOf("x.parquet"), "--coherence", "-1" }, "--coherence"),
            (new[] { "compare", "--data", _data.Data, "--model", _data.Generator, "--out", _data.PathOf("x.parquet"), "--dropout", "1" }, "--dropout"),
            (new[] { "generate", Path.Combine(_data.Data, "pieces", "piece0.wav"), "--model", _data.Generator, "--out", _data.PathOf("x.npy"), "--mode", "stochastic", "--coherence", "-0.5" }, "--coherence"),
            (new[] { "generate", Path.Combine(_data.Data, "pieces", "piece0.wav"), "--model", _data.Generator, "--out", _data.PathOf("x.npy"), "--offset", "3.5" }, "--offset"),
            (new[] { "train-reward", "--pairs", "p.parquet", "--data", _data.Data, "--out", _data.PathOf("r"), "--validation-fraction", "1" }, "--validation-fraction"),
            (new[] { "train-reward", "--pairs", "p.parquet", "--data", _data.Data, "--out", _data.PathOf("r"), "--margin", "-1" }, "--margin"),
            (new[] { "score", "--model", "reward.onnx" }, "--pairs"),
        })
        {
            var (code, _, err) = Cli.Run(args);
            Assert.True(code == 2, $"{string.Join(' ', args)}: exit {code}, {err}");
            Assert.Contains(flag, err);
        }

        Assert.Equal(1, Cli.Run("compare", "--data", _data.PathOf("nowhere"), "--model", _data.Generator, "--out", _data.PathOf("x.parquet")).Code);
        Assert.False(File.Exists(_data.PathOf("x.parquet")));
    }

    private sealed class Progress(Action<ComparisonProgress> report) : IProgress<ComparisonProgress>
    {
        public void Report(ComparisonProgress value) => report(value);
    }
}
