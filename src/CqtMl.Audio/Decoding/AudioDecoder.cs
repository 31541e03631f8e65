namespace CqtMl.Audio.Decoding;

/// <summary>
/// Opens audio files by content: RIFF/RF64 WAVE, MPEG audio (MP3), Ogg Vorbis with the built-in managed decoders,
/// anything else (FLAC, AAC, Opus, ...) through ffmpeg when it is on the PATH.
/// </summary>
public static class AudioDecoder
{
    /// <summary>Opens a streaming reader for <paramref name="path"/>.</summary>
    /// <param name="path">The audio file.</param>
    /// <returns>A reader; dispose it when done.</returns>
    /// <exception cref="AudioFormatException">The file is missing, unreadable, empty, truncated, corrupt or unsupported.</exception>
    public static AudioReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] head = ReadHead(path);
        return DetectFormat(head, path) switch
        {
            "wav" => WavReader.Open(path),
            "mp3" => Mp3Reader.Open(path),
            "ogg" => OpenOgg(path),
            _ => FfmpegReader.Open(path),
        };
    }

    /// <summary>Decodes a whole file into memory.</summary>
    /// <param name="path">The audio file.</param>
    /// <returns>The decoded audio.</returns>
    /// <exception cref="AudioFormatException">The file cannot be decoded; the message says why.</exception>
    public static AudioData Decode(string path)
    {
        try
        {
            using AudioReader reader = Open(path);
            return reader.ReadAll();
        }
        catch (AudioFormatException e) when (e.IsDecoderLimitation && FfmpegReader.IsAvailable)
        {
            using AudioReader reader = FfmpegReader.Open(path);
            return reader.ReadAll();
        }
    }

    /// <summary>Decodes a whole file into memory and resamples it to <paramref name="sampleRate"/>.</summary>
    /// <param name="path">The audio file.</param>
    /// <param name="sampleRate">The sample rate wanted, in Hz.</param>
    /// <returns>The decoded audio at that rate.</returns>
    /// <exception cref="AudioFormatException">The file cannot be decoded, or its rate cannot be converted; the message names it.</exception>
    public static AudioData Decode(string path, int sampleRate)
    {
        AudioData audio = Decode(path);
        try
        {
            return audio.ResampledTo(sampleRate);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new AudioFormatException(path, $"cannot be resampled from {audio.SampleRate} Hz to {sampleRate} Hz: {e.Message.Split(" (Parameter", 2)[0]}", e);
        }
    }

    /// <summary>Opens a file for reading, turning I/O failures into <see cref="AudioFormatException"/>.</summary>
    internal static FileStream OpenFile(string path)
    {
        if (IO.RegularFile.Problem(path) is string problem)
        {
            throw new AudioFormatException(path, problem);
        }

        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            string reason = e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : $"cannot open the file ({e.Message})";
            throw new AudioFormatException(path, reason, e);
        }
    }

    private static byte[] ReadHead(string path)
    {
        using FileStream stream = OpenFile(path);
        if (stream.Length == 0)
        {
            throw new AudioFormatException(path, "empty file");
        }

        var head = new byte[(int)Math.Min(stream.Length, 16)];
        stream.ReadExactly(head);
        return head;
    }

    private static string DetectFormat(ReadOnlySpan<byte> head, string path)
    {
        if (head.Length >= 12 && (head.StartsWith("RIFF"u8) || head.StartsWith("RF64"u8)) && head[8..12].SequenceEqual("WAVE"u8))
        {
            return "wav";
        }

        if (head.StartsWith("OggS"u8))
        {
            return "ogg";
        }

        if (head.StartsWith("ID3"u8) || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0))
        {
            return "mp3";
        }

        string extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".wav" or ".wave" => "wav",
            ".mp3" or ".mp2" or ".mpga" => "mp3",
            _ => "other",
        };
    }

    private static AudioReader OpenOgg(string path)
    {
        // Ogg may carry Opus or FLAC too: those go to ffmpeg.
        try
        {
            return OggVorbisReader.Open(path);
        }
        catch (AudioFormatException e) when (e.Reason.StartsWith("the Ogg stream holds", StringComparison.Ordinal) && !e.Reason.Contains("unknown", StringComparison.Ordinal))
        {
            return FfmpegReader.Open(path);
        }
    }
}
