using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CqtMl.Audio.IO;

/// <summary>
/// Tells whether a path is a regular file without blocking: opening a FIFO (named pipe) for reading waits for a writer,
/// so an input path is opened non-blocking first (on Linux and macOS) and refused when it cannot seek.
/// </summary>
internal static partial class RegularFile
{
    /// <summary>Returns null when <paramref name="path"/> is a regular file, otherwise what it is.</summary>
    public static string? Problem(string path)
    {
        if (Directory.Exists(path))
        {
            return "is a folder, not a file";
        }

        int nonBlocking = OperatingSystem.IsLinux() ? 0x800 : OperatingSystem.IsMacOS() ? 0x4 : 0;
        if (nonBlocking == 0 || !File.Exists(path))
        {
            return null;
        }

        int fd = Open(path, nonBlocking);
        if (fd < 0)
        {
            return null;
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        using var stream = new FileStream(handle, FileAccess.Read, 1);
        return stream.CanSeek ? null : "is not a regular file (a pipe, socket or device); give a file";
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);
}
