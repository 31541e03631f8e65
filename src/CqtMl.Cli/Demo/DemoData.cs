using CqtMl.MLNet;
using CqtMl.MLNet.DataSources;
using CqtMl.Preferences.Comparisons;

namespace CqtMl.Cli.Demo;

/// <summary>The demo's data: the built-in labelled pieces or the user's root, and the clip the plots show.</summary>
internal static class DemoData
{
    /// <summary>Writes the built-in data (MusicNet layout) into <paramref name="root"/>.</summary>
    public static IReadOnlyList<string> WriteBuiltIn(string root) =>
        SyntheticMusicNet.Write(root, DemoOptions.DefaultTrainPieces, DemoOptions.DefaultTestPieces, DemoOptions.DefaultPieceSeconds);

    /// <summary>Whether the root is in the MusicNet layout with labels (so register F1 can be measured).</summary>
    public static bool HasMusicNetLabels(string root) =>
        Directory.Exists(Path.Combine(root, "train_labels")) || Directory.Exists(Path.Combine(root, "test_labels"));

    /// <summary>The split the figures are measured on: MusicNet's test split when there is one, else its training split.</summary>
    public static MusicNetSplit EvaluationSplit(string root) =>
        Directory.Exists(Path.Combine(root, "test_data")) ? MusicNetSplit.Test : MusicNetSplit.Train;

    /// <summary>The audio files the plots and the ML.NET pipeline use: the evaluation split's recordings, or the first files found.</summary>
    /// <exception cref="InvalidDataException">The root holds no audio.</exception>
    public static IReadOnlyList<string> ShowcaseFiles(string root, int count)
    {
        if (HasMusicNetLabels(root))
        {
            return MusicNet.Read(root, EvaluationSplit(root)).Take(count).Select(r => r.Path).ToList();
        }

        IReadOnlyList<string> files = AudioCatalog.List(root);
        return files.Count > 0 ? files.Take(count).Select(f => AudioCatalog.Resolve(root, f)).ToList() : throw new InvalidDataException($"{root}: no audio files ({string.Join(", ", AudioCatalog.Extensions)}) below this folder");
    }
}
