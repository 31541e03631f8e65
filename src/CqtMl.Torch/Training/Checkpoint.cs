using System.Globalization;
using CqtMl.Audio.IO;
using CqtMl.Torch.Generator;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CqtMl.Torch.Training;

/// <summary>
/// A training checkpoint in one file: weights, optimizer state, the global step and the epoch history. Written to a
/// temporary file and renamed, so a crash never leaves a half-written checkpoint.
/// </summary>
internal static class Checkpoint
{
    private const string Magic = "CQTML-CKPT-3";

    public static void Save(string path, CqtVisionTransformer model, AdamWOptimizer optimizer, WeightAverage average, int step, IReadOnlyList<TrainingProgress> history)
    {
        AtomicFile.Write(path, temp =>
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
            using var writer = new BinaryWriter(stream);
            writer.Write(Magic);
            writer.Write(step);
            writer.Write(history.Count);
            foreach (TrainingProgress h in history)
            {
                writer.Write(h.Epoch);
                writer.Write(h.Step);
                writer.Write(h.Loss);
                writer.Write(h.LearningRate);
                writer.Write(h.ValidationF1 ?? double.NaN);
            }

            model.save(writer);
            optimizer.Save(writer);
            average.Save(writer);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        });
    }

    public static int Load(string path, CqtVisionTransformer model, AdamWOptimizer optimizer, WeightAverage average, List<TrainingProgress> history)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        string magic = reader.ReadString();
        if (magic != Magic)
        {
            throw new InvalidDataException($"{path}: not a CqtMl training checkpoint of this version (expected {Magic}).");
        }

        int step = reader.ReadInt32();
        int count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            int epoch = reader.ReadInt32(), s = reader.ReadInt32();
            double loss = reader.ReadDouble(), lr = reader.ReadDouble(), f1 = reader.ReadDouble();
            history.Add(new TrainingProgress(epoch, s, loss, lr, double.IsNaN(f1) ? null : f1));
        }

        model.load(reader);
        optimizer.Load(reader);
        average.Load(reader);
        return step;
    }
}
