namespace CqtMl.Audio.IO;

/// <summary>
/// Writes whole files atomically: the content goes to a temporary file beside the target, which then replaces the
/// target by a rename. A crash or an exception leaves any existing target untouched and no partial file behind.
/// </summary>
public static class AtomicFile
{
    /// <summary>Creates <paramref name="path"/> from what <paramref name="writeTemporary"/> writes to the path it is given.</summary>
    /// <param name="path">The target file (its folder is created when missing).</param>
    /// <param name="writeTemporary">Writes the complete content to the temporary path it receives.</param>
    public static void Write(string path, Action<string> writeTemporary)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(writeTemporary);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            writeTemporary(temp);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="bytes">The content.</param>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, temp => File.WriteAllBytes(temp, bytes));

    /// <summary>Writes <paramref name="text"/> as UTF-8 to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="text">The content.</param>
    public static void WriteAllText(string path, string text) => Write(path, temp => File.WriteAllText(temp, text));
}
