using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;
using CqtMl.Audio.IO;
using CqtMl.Onnx.Reward;
using CqtMl.Preferences.Comparisons;
using CqtMl.Preferences.Scoring;

namespace CqtMl.Cli.Commands;

/// <summary>
/// <c>cqtml score --model reward.onnx --pairs in.parquet --data root --out scored.parquet</c> (adds reward_a and
/// reward_b and prints <c>{"pairs": n, "labelled": m, "accuracy": x}</c>), or
/// <c>cqtml score --model reward.onnx audio --controls controls.npy</c> (prints the rewards of the samples as a JSON array).
/// </summary>
internal static class ScoreCommand
{
    public static Command Create(TextWriter stdout)
    {
        var model = new Option<string?>("--model") { Description = "Exported reward model (reward.onnx); default: the shipped demo reward model (models/reward.onnx)." };
        var pairs = new Option<string?>("--pairs") { Description = "Comparison dataset to score (with --data and --out)." };
        var data = new Option<string?>("--data") { Description = "The folder the pairs' sources are relative to." };
        var output = new Option<string?>("--out") { Description = "Scored dataset: the input's columns plus reward_a and reward_b." };
        var audio = new Argument<string?>("audio") { Description = "Audio file whose samples to score (with --controls).", Arity = ArgumentArity.ZeroOrOne };
        var controls = new Option<string?>("--controls") { Description = "Controls .npy [N, 4, T] (as cqtml generate writes) for the audio file." };
        var offset = new Option<double?>("--offset") { CustomParser = r => CliNumbers.ParseDouble(r), Description = "Start of the clip the controls belong to, in seconds." };
        var duration = new Option<double?>("--duration") { CustomParser = r => CliNumbers.ParseDouble(r), Description = "Length of that clip in seconds." };
        var command = new Command("score", "Score samples with a reward model (the shipped one unless --model): a comparison dataset, or the samples of one audio file.\nExample: cqtml score --pairs labelled.parquet --data music/ --out scored.parquet") { audio, model, pairs, data, output, controls, offset, duration };
        command.SetAction(parse =>
        {
            string? pairsPath = parse.GetValue(pairs), audioPath = parse.GetValue(audio);
            if ((pairsPath is null) == (audioPath is null))
            {
                throw new UsageException("give either --pairs (with --data and --out) or an audio file (with --controls)");
            }

            using OnnxRewardModel reward = OnnxRewardModel.LoadOrShipped(parse.GetValue(model));
            if (pairsPath is not null)
            {
                string dataRoot = parse.GetValue(data) ?? throw new UsageException("--data: required with --pairs");
                string outPath = parse.GetValue(output) ?? throw new UsageException("--out: required with --pairs");
                AtomicFile.CheckTarget(outPath);
                ScoreSummary summary = DatasetScoring.Score(pairsPath, dataRoot, reward, outPath);
                stdout.WriteLine(JsonSerializer.Serialize(new { pairs = summary.Pairs, labelled = summary.Labelled, accuracy = summary.Accuracy }));
                return Program.Success;
            }

            string controlsPath = parse.GetValue(controls) ?? throw new UsageException("--controls: required with an audio file");
            (long[] shape, float[] values) = NpyReader.ReadAll(controlsPath);
            CqtOptions cqt = reward.Info.Cqt;
            (float[] tensor, int frames) = ClipCqt.Compute(audioPath!, new CqtExtractor(cqt), parse.GetValue(offset), parse.GetValue(duration));
            if (shape.Length != 3 || shape[1] != RewardContract.Registers || shape[2] != frames)
            {
                throw new InvalidDataException($"{controlsPath}: controls of shape ({string.Join(", ", shape)}), expected (N, {RewardContract.Registers}, {frames}) for the {frames} CQT frames of {audioPath}");
            }

            float[] rewards = reward.ScoreSamples(tensor, values, frames);
            stdout.WriteLine("[" + string.Join(", ", rewards.Select(r => r.ToString("R", CultureInfo.InvariantCulture))) + "]");
            return Program.Success;
        });
        return command;
    }
}
