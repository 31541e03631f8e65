using CqtMl.Audio.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Torch.Training;

/// <summary>
/// A training checkpoint in one file: a format tag, the global step, the trainer's epoch history, the weights, the
/// optimizer state and the weight average. Written to a temporary file and renamed, so a crash never leaves a
/// half-written checkpoint. The generator, reward and DPO trainers each have their own tag and history layout.
/// </summary>
internal static class Checkpoint
{
    /// <summary>The generator trainer's format tag.</summary>
    public const string GeneratorMagic = "CQTML-CKPT-3";

    /// <summary>The reward trainer's format tag.</summary>
    public const string RewardMagic = "CQTML-REWARD-CKPT-1";

    /// <summary>The DPO trainer's format tag.</summary>
    public const string DpoMagic = "CQTML-DPO-CKPT-1";

    public static void Save(string path, string magic, nn.Module model, AdamWOptimizer optimizer, WeightAverage average, int step, Action<BinaryWriter> writeHistory)
    {
        AtomicFile.Write(path, temp =>
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
            using var writer = new BinaryWriter(stream);
            writer.Write(magic);
            writer.Write(step);
            writeHistory(writer);
            model.save(writer);
            optimizer.Save(writer);
            average.Save(writer);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        });
    }

    public static int Load(string path, string magic, nn.Module model, AdamWOptimizer optimizer, WeightAverage average, Action<BinaryReader> readHistory)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        string found = reader.ReadString();
        if (found != magic)
        {
            throw new InvalidDataException($"{path}: not a CqtMl training checkpoint of this kind and version (expected {magic}, found {found}).");
        }

        int step = reader.ReadInt32();
        readHistory(reader);
        model.load(reader);
        optimizer.Load(reader);
        average.Load(reader);
        return step;
    }

    /// <summary>Writes a list of epoch reports: the count, then each report's values.</summary>
    public static void WriteHistory<T>(BinaryWriter writer, IReadOnlyList<T> history, Action<BinaryWriter, T> write)
    {
        writer.Write(history.Count);
        foreach (T item in history)
        {
            write(writer, item);
        }
    }

    /// <summary>Reads what <see cref="WriteHistory"/> wrote.</summary>
    public static void ReadHistory<T>(BinaryReader reader, List<T> history, Func<BinaryReader, T> read)
    {
        int count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            history.Add(read(reader));
        }
    }
}
