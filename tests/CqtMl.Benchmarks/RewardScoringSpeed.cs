using System.Diagnostics;
using System.Globalization;
using CqtMl.MLNet;
using CqtMl.Onnx.Reward;
using CqtMl.Torch.Export;
using CqtMl.Torch.Reward;
using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace CqtMl.Benchmarks;

/// <summary>
/// Reward scoring speed, samples per second, on one machine in one run: ONNX Runtime batched
/// (<see cref="OnnxRewardModel.ScoreSamples"/>), ML.NET's per-row path (<c>ScoreReward</c>, one ONNX Runtime call per
/// row) and TorchSharp eager (batched, no gradients):
/// <c>dotnet run -c Release --project tests/CqtMl.Benchmarks -- reward-speed reward-dir [frames] [samples]</c>
/// (the folder holds reward.onnx and reward.safetensors of the demo preset).
/// </summary>
public static class RewardScoringSpeed
{
    /// <summary>Prints one line per path.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="args">The model folder, then T (default 1034, 3 s) and the number of samples (default 64).</param>
    public static void Run(TextWriter output, string[] args)
    {
        string dir = args[0];
        int frames = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1034;
        int samples = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 64;
        var random = new Random(1);
        float[] cqt = Enumerable.Range(0, 2 * 84 * frames).Select(_ => (float)(random.NextDouble() * random.NextDouble())).ToArray();
        float[] controls = Enumerable.Range(0, samples * 4 * frames).Select(_ => random.Next(16) / 15f).ToArray();
        int perSample = 4 * frames;
        output.WriteLine($"reward scoring, T = {frames}, {samples} samples of one clip, {Environment.ProcessorCount} threads");

        using var onnx = OnnxRewardModel.Load(Path.Combine(dir, "reward.onnx"));
        foreach (int batch in new[] { 1, 16 })
        {
            onnx.ScoreSamples(cqt, controls, frames, batch);
            Report(output, $"ONNX Runtime, batch {batch}", samples, () => onnx.ScoreSamples(cqt, controls, frames, batch));
        }

        var ml = new MLContext();
        var rows = Enumerable.Range(0, samples).Select(s => new Row { Cqt = cqt, Controls = controls.AsSpan(s * perSample, perSample).ToArray() }).ToArray();
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        using RewardScoringTransformer scorer = ml.Transforms.ScoreReward(new RewardScoringEstimator.Options { ModelPath = Path.Combine(dir, "reward.onnx") }).Fit(data);
        scorer.Transform(data).GetColumn<float[]>("Reward").ToArray();
        Report(output, "ML.NET ScoreReward (one row per call)", samples, () => scorer.Transform(data).GetColumn<float[]>("Reward").ToArray());

        using var model = new RewardModel(RewardConfig.Demo);
        RewardWeights.LoadSafetensors(model, Path.Combine(dir, "reward.safetensors"));
        model.eval();
        void Torch(int batch)
        {
            using var noGrad = no_grad();
            for (int start = 0; start < samples; start += batch)
            {
                using var scope = NewDisposeScope();
                int count = Math.Min(batch, samples - start);
                Tensor x = tensor(Enumerable.Repeat(cqt, count).SelectMany(c => c).ToArray(), count, 2, 84, frames);
                Tensor c = tensor(controls.AsSpan(start * perSample, count * perSample).ToArray(), count, 4, frames);
                model.forward(x, c).data<float>().ToArray();
            }
        }

        Torch(16);
        Report(output, "TorchSharp eager, batch 16", samples, () => Torch(16));
    }

    private static void Report(TextWriter output, string name, int samples, Action run)
    {
        var times = new List<double>();
        for (int i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            run();
            times.Add(clock.Elapsed.TotalSeconds);
        }

        double median = times.Order().ElementAt(1);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {samples / median:F1} samples/s (median of 3: {median:F3} s)"));
    }

    private sealed class Row
    {
        [VectorType]
        public float[] Cqt { get; set; } = Array.Empty<float>();

        [VectorType]
        public float[] Controls { get; set; } = Array.Empty<float>();
    }
}
