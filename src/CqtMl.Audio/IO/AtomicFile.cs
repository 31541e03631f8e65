using System.Diagnostics;
using System.Globalization;

namespace CqtMl.Audio.IO;

/// <summary>
/// Writes whole files atomically: the content goes to a temporary file beside the target
/// (<c>.&lt;name&gt;.&lt;pid&gt;-&lt;id&gt;.cqtml-tmp</c>), which then replaces the target by a rename. A crash or an exception
/// leaves any existing target untouched; temporary files that a killed process left behind are removed the next time
/// the same target is written. Several outputs of one job are committed together with <see cref="CommitAll"/>, only
/// after every one of them was written.
/// </summary>
public static class AtomicFile
{
    /// <summary>The extension of the project's temporary files.</summary>
    public const string TemporaryExtension = ".cqtml-tmp";

    /// <summary>Creates <paramref name="path"/> from what <paramref name="writeTemporary"/> writes to the path it is given.</summary>
    /// <param name="path">The target file (its folder is created when missing).</param>
    /// <param name="writeTemporary">Writes the complete content to the temporary path it receives.</param>
    public static void Write(string path, Action<string> writeTemporary)
    {
        using PendingFile pending = Prepare(path, writeTemporary);
        pending.Commit();
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="bytes">The content.</param>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, temp => File.WriteAllBytes(temp, bytes));

    /// <summary>Writes <paramref name="text"/> as UTF-8 to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="text">The content.</param>
    public static void WriteAllText(string path, string text) => Write(path, temp => File.WriteAllText(temp, text));

    /// <summary>
    /// Writes the content of <paramref name="path"/> to a temporary file and returns it uncommitted: the target changes
    /// only on <see cref="PendingFile.Commit"/>; disposing without committing deletes the temporary file.
    /// </summary>
    /// <param name="path">The target file.</param>
    /// <param name="writeTemporary">Writes the complete content to the temporary path it receives.</param>
    /// <returns>The written, uncommitted file.</returns>
    /// <exception cref="IOException">The target cannot be written (a folder, an unwritable place); the message names <paramref name="path"/>.</exception>
    public static PendingFile Prepare(string path, Action<string> writeTemporary)
    {
        ArgumentNullException.ThrowIfNull(writeTemporary);
        string temp = CreateTemporary(path);
        try
        {
            writeTemporary(temp);
            if (!File.Exists(temp))
            {
                throw new IOException($"{path}: nothing was written");
            }

            return new PendingFile(temp, Path.GetFullPath(path), path);
        }
        catch (Exception e)
        {
            File.Delete(temp);
            if (e is IOException or UnauthorizedAccessException)
            {
                throw WriteError(path, temp, e);
            }

            throw;
        }
    }

    /// <summary>Moves every written file into place, in order; none is moved unless all were written.</summary>
    /// <param name="files">The written files (null entries are skipped).</param>
    public static void CommitAll(params PendingFile?[] files)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (PendingFile? file in files)
        {
            file?.Commit();
        }
    }

    /// <summary>
    /// Checks that <paramref name="path"/> can name an output file: not empty, not a folder, not ending with a path
    /// separator. Call it before long work, so that a bad output path fails at once.
    /// </summary>
    /// <param name="path">The target file.</param>
    /// <exception cref="IOException">The path names a folder.</exception>
    public static void CheckTarget(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar) || Directory.Exists(path))
        {
            throw new IOException($"{path}: is a folder; give a file name");
        }
    }

    /// <summary>
    /// Names a new temporary file beside <paramref name="path"/> (creating its folder when missing), after removing the
    /// temporary files of the same target that dead processes left behind. The name is unique; the file is not created.
    /// </summary>
    /// <param name="path">The target file.</param>
    /// <returns>The temporary file's path.</returns>
    internal static string CreateTemporary(string path)
    {
        CheckTarget(path);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!, name = Path.GetFileName(full);
        try
        {
            Directory.CreateDirectory(folder);
            SweepStale(folder, name);
            return Path.Combine(folder, $".{name}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}{TemporaryExtension}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw WriteError(path, null, e);
        }
    }

    /// <summary>
    /// The error for a failed write of <paramref name="path"/>: it names the user's path, also where the underlying
    /// message named the temporary file.
    /// </summary>
    internal static IOException WriteError(string path, string? temporary, Exception inner)
    {
        string reason = temporary is null ? inner.Message : inner.Message.Replace(temporary, path, StringComparison.Ordinal);
        return new IOException($"{path}: cannot write the file ({reason})", inner);
    }

    private static void SweepStale(string folder, string name)
    {
        foreach (string stale in Directory.EnumerateFiles(folder, $".{name}.*{TemporaryExtension}"))
        {
            string middle = Path.GetFileName(stale)[(name.Length + 2)..^TemporaryExtension.Length];
            int dash = middle.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(middle.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && !IsAlive(pid))
            {
                try
                {
                    File.Delete(stale);
                }
                catch (IOException)
                {
                    // Another process is sweeping it at the same moment.
                }
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using Process process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
