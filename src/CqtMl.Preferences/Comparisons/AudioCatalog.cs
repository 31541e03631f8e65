namespace CqtMl.Preferences.Comparisons;

/// <summary>
/// The audio files under a data root: a MusicNet-format root (<c>train_data/*.wav</c> ...), an FMA-format root
/// (<c>fma_small/000/000002.mp3</c> ...) or any folder, searched recursively. Paths are relative to the root with '/'
/// separators and sorted ordinally, so a seed picks the same files on every machine.
/// </summary>
public static class AudioCatalog
{
    /// <summary>Gets the file extensions taken as audio.</summary>
    public static IReadOnlyList<string> Extensions { get; } = new[] { ".wav", ".mp3", ".ogg", ".oga", ".flac" };

    /// <summary>Lists the audio files.</summary>
    /// <param name="root">The data root.</param>
    /// <returns>Relative paths, '/' separators, ordinal order.</returns>
    /// <exception cref="DirectoryNotFoundException">The root is not a folder.</exception>
    public static IReadOnlyList<string> List(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"{root}: data folder not found");
        }

        return Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Select(f => ToRelative(root, f))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Turns a path relative to the root ('/' separators) back into a file path, refusing paths that leave the root.</summary>
    /// <param name="root">The data root.</param>
    /// <param name="source">The relative path.</param>
    /// <returns>The full path.</returns>
    /// <exception cref="InvalidDataException">The path is absolute or leaves the root.</exception>
    public static string Resolve(string root, string source)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (string.IsNullOrEmpty(source) || Path.IsPathRooted(source) || source.Split('/').Contains(".."))
        {
            throw new InvalidDataException($"source '{source}' is not a path inside the data folder");
        }

        return Path.GetFullPath(Path.Combine(root, source.Replace('/', Path.DirectorySeparatorChar)));
    }

    /// <summary>The path of <paramref name="file"/> relative to <paramref name="root"/>, '/' separators.</summary>
    /// <param name="root">The data root.</param>
    /// <param name="file">A file under it.</param>
    /// <returns>The relative path.</returns>
    public static string ToRelative(string root, string file) =>
        Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
}
