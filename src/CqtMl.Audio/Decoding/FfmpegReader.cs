using System.Diagnostics;

namespace CqtMl.Audio.Decoding;

/// <summary>
/// Decodes any format ffmpeg knows (FLAC, AAC/M4A, Opus, WMA, ...) by running the <c>ffmpeg</c> found on the PATH:
/// the first audio stream is converted once to a temporary 32-bit float WAVE file, which is then streamed and deleted
/// when the reader is disposed. Without ffmpeg a clear <see cref="AudioFormatException"/> says so.
/// </summary>
public static class FfmpegReader
{
    private static readonly Lazy<string?> Executable = new(FindExecutable);

    /// <summary>Gets a value indicating whether an <c>ffmpeg</c> executable is on the PATH.</summary>
    public static bool IsAvailable => Executable.Value is not null;

    /// <summary>Decodes <paramref name="path"/> with ffmpeg.</summary>
    /// <param name="path">The file.</param>
    /// <returns>A reader over the decoded audio.</returns>
    /// <exception cref="AudioFormatException">ffmpeg is missing, or it could not decode the file.</exception>
    public static AudioReader Open(string path)
    {
        string ffmpeg = Executable.Value ?? throw new AudioFormatException(path, "unsupported format for the built-in decoders (WAV, MP3, Ogg Vorbis), and ffmpeg, which would decode it, is not on the PATH");
        string temp = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cqtml-ffmpeg-{Guid.NewGuid():N}.wav");
        var start = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "-nostdin", "-v", "error", "-i", path, "-map", "0:a:0", "-vn", "-c:a", "pcm_f32le", "-f", "wav", "-y", temp })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start) ?? throw new AudioFormatException(path, "could not start ffmpeg");
            process.StandardInput.Close();
            Task<string> errors = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            string message = errors.Result.Trim();
            if (process.ExitCode != 0 || !File.Exists(temp))
            {
                string firstLine = message.Split('\n').FirstOrDefault(l => l.Length > 0)?.Trim() ?? $"exit code {process.ExitCode}";
                throw new AudioFormatException(path, $"ffmpeg could not decode it: {firstLine.Replace(path, "input", StringComparison.Ordinal)}");
            }

            if (message.Length > 0)
            {
                // ffmpeg decoded the file but reported damage (for example a corrupt frame): do not accept a damaged decode.
                string firstLine = message.Split('\n')[0].Trim();
                throw new AudioFormatException(path, $"corrupt: ffmpeg reported: {firstLine.Replace(path, "input", StringComparison.Ordinal)}");
            }

            var stream = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.DeleteOnClose);
            try
            {
                WavReader reader = WavReader.Open(path, stream);
                if (DeclaredFlacSamples(path) is long declared && reader.FrameCount < declared)
                {
                    // ffmpeg resynchronises after damaged FLAC frames and drops them without a word at -v error.
                    System.Diagnostics.Trace.TraceWarning($"{path}: ffmpeg decoded {reader.FrameCount} of the {declared} samples per channel the FLAC header declares: damaged frames were skipped, so the audio after them is shifted earlier");
                }

                return reader;
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is not AudioFormatException)
        {
            throw new AudioFormatException(path, $"running ffmpeg failed ({e.Message})", e);
        }
        finally
        {
            // Only reached with the file still there when opening failed; after a successful open it is deleted on close.
            if (File.Exists(temp))
            {
                try
                {
                    File.Delete(temp);
                }
                catch (IOException)
                {
                    // Still open by the reader (DeleteOnClose removes it later).
                }
            }
        }
    }

    /// <summary>The total samples per channel a FLAC file's STREAMINFO declares, or null (not FLAC, or unknown).</summary>
    private static long? DeclaredFlacSamples(string path)
    {
        var head = new byte[26];
        using (FileStream file = AudioDecoder.OpenFile(path))
        {
            if (file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length || !head.AsSpan(0, 4).SequenceEqual("fLaC"u8) || (head[4] & 0x7F) != 0)
            {
                return null;
            }
        }

        // STREAMINFO: ... 20 bits sample rate, 3 bits channels, 5 bits bits per sample, 36 bits total samples.
        long total = (long)(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(head.AsSpan(18)) & ((1UL << 36) - 1));
        return total > 0 ? total : null;
    }

    private static string? FindExecutable()
    {
        string name = OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg";
        string? overridePath = Environment.GetEnvironmentVariable("CQTML_FFMPEG");
        if (!string.IsNullOrEmpty(overridePath))
        {
            return File.Exists(overridePath) ? overridePath : null;
        }

        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = System.IO.Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
