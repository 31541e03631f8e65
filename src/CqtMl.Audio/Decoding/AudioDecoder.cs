namespace CqtMl.Audio.Decoding;

/// <summary>
/// Opens audio files by content: RIFF/RF64 WAVE with the built-in reader; MPEG audio (MP3) and Ogg Vorbis through
/// ffmpeg's libraries in process when the machine has them (FFmpeg 5 to 8; about 1,000 times real time), else with the
/// built-in managed decoders (150 to 250 times real time); anything else (FLAC, AAC, Opus, ...) through the ffmpeg
/// executable when it is on the PATH. Both MP3 and Vorbis paths give the same gapless timeline and agree within the MPEG
/// conformance tolerance. <c>CQTML_NATIVE_DECODERS=0</c> turns the libraries off.
/// </summary>
public static class AudioDecoder
{
    /// <summary>Gets a value indicating whether MP3 and Ogg Vorbis are decoded by ffmpeg's libraries in process.</summary>
    public static bool UsesFfmpegLibraries => Native.LibAv.IsAvailable;

    /// <summary>Gets a one-line description of the MP3 and Ogg Vorbis decoders in use, and why when the libraries are not.</summary>
    public static string DecoderDescription => Native.LibAv.IsAvailable
        ? $"MP3 and Ogg Vorbis: ffmpeg's libraries in process (libavformat {Native.LibAv.Functions.FormatMajor})"
        : $"MP3 and Ogg Vorbis: managed decoders (NLayer, NVorbis); ffmpeg's libraries not used: {Native.LibAv.UnavailableReason}";

    /// <summary>Opens a streaming reader for <paramref name="path"/>.</summary>
    /// <param name="path">The audio file.</param>
    /// <returns>A reader; dispose it when done.</returns>
    /// <exception cref="AudioFormatException">The file is missing, unreadable, empty, truncated, corrupt or unsupported.</exception>
    public static AudioReader Open(string path) => Open(path, UsesFfmpegLibraries);

    /// <summary>Opens a streaming reader for <paramref name="path"/> with the built-in managed decoders only.</summary>
    /// <param name="path">The audio file.</param>
    /// <returns>A reader; dispose it when done.</returns>
    /// <exception cref="AudioFormatException">The file is missing, unreadable, empty, truncated, corrupt or unsupported.</exception>
    public static AudioReader OpenManaged(string path) => Open(path, libraries: false);

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
        catch (AudioFormatException) when (UsesFfmpegLibraries && IsMp3OrOgg(path))
        {
            // ffmpeg's libraries refused the file: the managed decoders diagnose it (or decode what they can) in their words.
            return DecodeManaged(path);
        }
        catch (AudioFormatException e) when (e.IsDecoderLimitation && FfmpegReader.IsAvailable)
        {
            using AudioReader reader = FfmpegReader.Open(path);
            return reader.ReadAll();
        }
    }

    private static AudioData DecodeManaged(string path)
    {
        try
        {
            using AudioReader reader = OpenManaged(path);
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

    private static AudioReader Open(string path, bool libraries)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] head = ReadHead(path);
        return DetectFormat(head, path) switch
        {
            "wav" => WavReader.Open(path),
            "mp3" => libraries ? OpenMp3WithLibraries(path) : Mp3Reader.Open(path),
            "ogg" => OpenOgg(path, libraries),
            _ => FfmpegReader.Open(path),
        };
    }

    private static bool IsMp3OrOgg(string path)
    {
        try
        {
            return DetectFormat(ReadHead(path), path) is "mp3" or "ogg";
        }
        catch (AudioFormatException)
        {
            // Unreadable now: the first error stands.
            return false;
        }
    }

    private static AudioReader OpenMp3WithLibraries(string path)
    {
        // The frame scan checks the file as the managed reader does and gives the exact gapless length in advance.
        Mp3Layout layout;
        using (FileStream stream = OpenFile(path))
        {
            layout = Mp3Layout.Scan(path, stream);
        }

        return Native.LibAvReader.Open(path, layout.Samples);
    }

    private static AudioReader OpenOgg(string path, bool libraries)
    {
        if (libraries)
        {
            OggLayout.Result layout;
            using (FileStream stream = OpenFile(path))
            {
                layout = OggLayout.Check(path, stream);
            }

            // A repaired page header must reach the decoder as repaired: only the managed path reads through the patches.
            if (layout.Codec == "vorbis" && layout.Patches.Count == 0)
            {
                return Native.LibAvReader.Open(path, layout.FinalGranule);
            }
        }

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
