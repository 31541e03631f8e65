// The README's snippets as one program, built against the packed CqtMl packages (samples/README.md).
using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;
using CqtMl.Audio.Resampling;
using CqtMl.MLNet;
using CqtMl.MLNet.DataSources;
using CqtMl.Torch.Generator;
using CqtMl.Torch.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

// Built-in labelled music in the MusicNet layout (3 pieces of 4 s), so the sample needs no data set.
string root = Path.Combine(Path.GetTempPath(), $"cqtml-samples-{Environment.ProcessId}");
IReadOnlyList<string> files = SyntheticMusicNet.Write(root, trainPieces: 2, testPieces: 1, seconds: 4);

// 1. The CQT library.
AudioData audio = AudioDecoder.Decode(files[0]);
float[] mono = Resampler.Resample(audio.MixToMono(), audio.SampleRate, 22050);
var cqt = new CqtExtractor(new CqtOptions { HopLength = 64, BinCount = 84 });
float[] tensor = cqt.ComputeTensor(new[] { mono });
Console.WriteLine($"CQT of {Path.GetFileName(files[0])}: [2, 84, {tensor.Length / (2 * 84)}]");

// 2. An ML.NET pipeline with the shipped generator and reward model.
var ml = new MLContext(seed: 1);
IDataView tracks = ml.Data.LoadFromMusicNet(root);
var pipeline = ml.Transforms.ExtractCqt("Cqt", "Path")
    .Append(ml.Transforms.GenerateControls("Controls", "Cqt"))
    .Append(ml.Transforms.ScoreReward("Reward", "Cqt", "Controls"));
var model = pipeline.Fit(tracks);
ml.Model.Save(model, tracks.Schema, Path.Combine(root, "model.zip"));
float[] rewards = model.Transform(tracks).GetColumn<float[]>("Reward").Select(r => r[0]).ToArray();
model.Dispose();                                                                     // ONNX Runtime's sessions and model files
Console.WriteLine($"rewards of the shipped generator's controls: {string.Join(", ", rewards.Select(r => r.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}");

// 3. Labelled training data (CQT + 4-register targets) and a few steps of generator training (TorchSharp).
var options = new CqtOptions();
var rows = new List<TrainingRow>();
foreach (MusicNetRecording recording in MusicNet.Read(root, MusicNetSplit.Train))
{
    float[][] channels = AudioDecoder.Decode(recording.Path, options.SampleRate).Channels;
    int frames = options.FrameCount(channels[0].Length);
    rows.Add(new TrainingRow { Cqt = cqt.ComputeTensor(channels), Targets = RegisterTargets.Compute(recording, frames, options.SampleRate, options.HopLength) });
}

var trainer = ml.Transforms.TrainControlGenerator(new ControlGeneratorTrainer.Options
{
    Generator = GeneratorConfig.Demo with { Depth = 1 },
    Training = new GeneratorTrainingOptions { Epochs = 1, StepsPerEpoch = 2, BatchSize = 2, Seed = 1 },
});
using ControlGeneratorTransformer trained = trainer.Fit(ml.Data.LoadFromEnumerable(rows));
Console.WriteLine($"trained a generator for {trainer.History.Count} epoch: loss {trainer.History[^1].Loss:F3}, ONNX {trained.OnnxModel.Length / 1024} KB");
Directory.Delete(root, recursive: true);
Console.WriteLine("samples: ok");

/// <summary>One labelled recording: its CQT [2, bins, T] and its register targets [4, T].</summary>
internal sealed class TrainingRow
{
    public float[] Cqt { get; set; } = Array.Empty<float>();

    public float[] Targets { get; set; } = Array.Empty<float>();
}
