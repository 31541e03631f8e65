using System.Diagnostics;
using System.Text.Json.Nodes;
using CqtMl.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;
using static CqtMl.Cli.Demo.DemoReport;

namespace CqtMl.Cli.Demo;

/// <summary>
/// The demo's ML.NET part: a pipeline audio path -> CQT -> controls -> reward over a few recordings, fitted, run and
/// saved as <c>model.zip</c> (which holds both ONNX models), then loaded back and run again to show it gives the same rewards.
/// </summary>
internal sealed class DemoPipeline(string root, string folder, string generatorPath, string rewardPath)
{
    private const int Recordings = 2;

    /// <summary>Runs the pipeline, adds its figures to the report and describes the result.</summary>
    public string Run(DemoReport report)
    {
        var ml = new MLContext(seed: 1);
        AudioPathRow[] rows = DemoData.ShowcaseFiles(root, Recordings).Select(p => new AudioPathRow { Path = p }).ToArray();
        IDataView audio = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.ExtractCqt(new CqtEstimator.Options { OutputColumnName = "Cqt", InputColumnName = nameof(AudioPathRow.Path) })
            .Append(ml.Transforms.GenerateControls("Controls", "Cqt", generatorPath))
            .Append(ml.Transforms.ScoreReward("Reward", "Cqt", "Controls", rewardPath));
        var clock = Stopwatch.StartNew();
        using TransformerChain<RewardScoringTransformer> model = pipeline.Fit(audio); // disposing deletes the ONNX models' temporary copies
        float[] rewards = model.Transform(audio).GetColumn<float[]>("Reward").Select(r => r[0]).ToArray();
        double seconds = clock.Elapsed.TotalSeconds;
        string zip = Path.Combine(folder, "model.zip");
        ml.Model.Save(model, audio.Schema, zip);

        ITransformer loaded = ml.Model.Load(zip, out _);
        using var disposeLoaded = (IDisposable)loaded;
        float[] again = loaded.Transform(audio).GetColumn<float[]>("Reward").Select(r => r[0]).ToArray();
        bool same = rewards.SequenceEqual(again);
        if (!same)
        {
            throw new InvalidOperationException($"{zip}: the loaded model gives other rewards ({string.Join(", ", again)}) than the fitted one ({string.Join(", ", rewards)})");
        }

        report.Metrics["mlnet"] = new JsonObject { ["recordings"] = rows.Length, ["rewards"] = new JsonArray(rewards.Select(r => (JsonNode)(double)r).ToArray()), ["fit_and_transform_seconds"] = seconds, ["zip_bytes"] = new FileInfo(zip).Length };
        report.Add("The ML.NET model", null, $"`model.zip` is an ML.NET model (ExtractCqt -> GenerateControls -> ScoreReward, both ONNX models inside); loaded with `mlContext.Model.Load` it scored the deterministic controls of {rows.Length} recordings {string.Join(", ", rewards.Select(r => Number(r, "F2")))} again.");
        return $"{rows.Length} recordings scored {string.Join(", ", rewards.Select(r => Number(r, "F2")))}; saved, loaded and rescored identically -> model.zip";
    }
}
