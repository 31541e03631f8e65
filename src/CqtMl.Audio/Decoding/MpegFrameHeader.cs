namespace CqtMl.Audio.Decoding;

/// <summary>One parsed MPEG audio frame header (ISO 11172-3 / 13818-3): enough to walk a file frame by frame.</summary>
internal readonly record struct MpegFrameHeader(int Version, int Layer, bool HasCrc, int Bitrate, int SampleRate, bool Padding, int Channels, int FrameLength, int SamplesPerFrame)
{
    private static readonly int[,] Bitrates =
    {
        // MPEG-1 layers I, II, III; MPEG-2/2.5 layer I, layers II and III (kbit/s, index 1..14).
        { 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448 },
        { 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384 },
        { 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320 },
        { 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256 },
        { 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 },
    };

    private static readonly int[] Mpeg1Rates = { 44100, 48000, 32000 };

    /// <summary>Gets the bytes of side information after the header (layer III), which the Xing tag follows.</summary>
    public int SideInfoLength => Layer != 3 ? 0 : Version == 1 ? (Channels == 1 ? 17 : 32) : (Channels == 1 ? 9 : 17);

    /// <summary>Parses four header bytes; returns null when they are not a valid, supported frame header.</summary>
    /// <param name="b">At least four bytes.</param>
    /// <returns>The header, or null.</returns>
    public static MpegFrameHeader? Parse(ReadOnlySpan<byte> b)
    {
        if (b.Length < 4 || b[0] != 0xFF || (b[1] & 0xE0) != 0xE0)
        {
            return null;
        }

        int versionBits = (b[1] >> 3) & 3, layerBits = (b[1] >> 1) & 3;
        int bitrateIndex = b[2] >> 4, rateIndex = (b[2] >> 2) & 3;
        if (versionBits == 1 || layerBits == 0 || bitrateIndex == 0 || bitrateIndex == 15 || rateIndex == 3)
        {
            return null;
        }

        int version = versionBits switch { 3 => 1, 2 => 2, _ => 25 };
        int layer = 4 - layerBits;
        int row = version == 1 ? layer - 1 : layer == 1 ? 3 : 4;
        int bitrate = Bitrates[row, bitrateIndex - 1] * 1000;
        int sampleRate = Mpeg1Rates[rateIndex] / (version == 1 ? 1 : version == 2 ? 2 : 4);
        bool padding = ((b[2] >> 1) & 1) == 1;
        int channels = (b[3] >> 6) == 3 ? 1 : 2;
        int samples = layer == 1 ? 384 : layer == 2 || version == 1 ? 1152 : 576;
        int length = layer == 1
            ? ((12 * bitrate / sampleRate) + (padding ? 1 : 0)) * 4
            : (samples / 8 * bitrate / sampleRate) + (padding ? 1 : 0);
        return new MpegFrameHeader(version, layer, (b[1] & 1) == 0, bitrate, sampleRate, padding, channels, length, samples);
    }

    /// <summary>Gets a value indicating whether another frame can belong to the same stream as this one.</summary>
    /// <param name="other">The other frame.</param>
    /// <returns>True when version, layer, sample rate and channel count agree.</returns>
    public bool IsCompatible(MpegFrameHeader other) =>
        other.Version == Version && other.Layer == Layer && other.SampleRate == SampleRate && other.Channels == Channels;
}
