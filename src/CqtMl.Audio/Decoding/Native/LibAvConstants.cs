namespace CqtMl.Audio.Decoding.Native;

/// <summary>
/// The parts of ffmpeg's C ABI the native decoder relies on: library names, enum values, error codes and the few
/// structure offsets it reads. Offsets were read with <c>offsetof</c> from the installed headers (FFmpeg 5.1) and from
/// the FFmpeg 6/7 headers; a structure whose layout is not known here makes the native path unavailable, never a guess.
/// </summary>
internal static class LibAvConstants
{
    /// <summary>
    /// The (libavformat, libavcodec, libavutil) major versions of the FFmpeg releases whose layouts are known, newest
    /// first: 8, 7, 6 and 5.
    /// </summary>
    public static readonly (int Format, int Codec, int Util)[] Releases = { (62, 62, 60), (61, 61, 59), (60, 60, 58), (59, 59, 57) };

    /// <summary>The <c>AVMEDIA_TYPE_AUDIO</c> enum value.</summary>
    public const int MediaTypeAudio = 1;

    /// <summary><c>AVERROR_EOF</c>: <c>-MKTAG('E','O','F',' ')</c>.</summary>
    public const int ErrorEof = -0x20464F45;

    /// <summary><c>AVERROR(EAGAIN)</c> on Linux and macOS.</summary>
    public const int ErrorAgain = -11;

    /// <summary><c>AV_LOG_QUIET</c>: the libraries print nothing; failures arrive as return codes.</summary>
    public const int LogQuiet = -8;

    /// <summary><c>AVFormatContext.nb_streams</c> (unsigned int), stable since FFmpeg 4.</summary>
    public const int FormatNbStreams = 44;

    /// <summary><c>AVFormatContext.streams</c> (<c>AVStream**</c>), stable since FFmpeg 4.</summary>
    public const int FormatStreams = 48;

    /// <summary><c>AVCodecParameters.codec_type</c>, stable since FFmpeg 3.1.</summary>
    public const int ParametersCodecType = 0;

    /// <summary><c>AVCodecParameters.codec_id</c>, stable since FFmpeg 3.1.</summary>
    public const int ParametersCodecId = 4;

    /// <summary><c>AVPacket.stream_index</c>, stable since FFmpeg 4.</summary>
    public const int PacketStreamIndex = 36;

    /// <summary><c>AVFrame.extended_data</c> (<c>uint8_t**</c>: one plane per channel, or one interleaved plane).</summary>
    public const int FrameExtendedData = 96;

    /// <summary><c>AVFrame.nb_samples</c>.</summary>
    public const int FrameSampleCount = 112;

    /// <summary><c>AVFrame.format</c> (an <c>AVSampleFormat</c> for audio).</summary>
    public const int FrameFormat = 116;

    /// <summary><c>AVChannelLayout.nb_channels</c>, the second field of the struct <c>av_opt_get_chlayout</c> fills.</summary>
    public const int ChannelLayoutCount = 4;

    /// <summary>Bytes reserved for an <c>AVChannelLayout</c> (24 in FFmpeg 5-7).</summary>
    public const int ChannelLayoutSize = 64;

    /// <summary>Gets the offset of <c>AVStream.index</c> for a libavformat major version.</summary>
    public static int StreamIndex(int formatMajor) => formatMajor >= 60 ? 8 : 0;

    /// <summary>Gets the offset of <c>AVStream.codecpar</c> for a libavformat major version.</summary>
    public static int StreamCodecParameters(int formatMajor) => formatMajor >= 60 ? 16 : 208;

    /// <summary><c>AVSampleFormat</c> values.</summary>
    public enum SampleFormat
    {
        /// <summary>Interleaved unsigned 8-bit.</summary>
        U8 = 0,

        /// <summary>Interleaved signed 16-bit.</summary>
        S16 = 1,

        /// <summary>Interleaved signed 32-bit.</summary>
        S32 = 2,

        /// <summary>Interleaved float.</summary>
        Float = 3,

        /// <summary>Interleaved double.</summary>
        Double = 4,

        /// <summary>Planar unsigned 8-bit.</summary>
        U8Planar = 5,

        /// <summary>Planar signed 16-bit.</summary>
        S16Planar = 6,

        /// <summary>Planar signed 32-bit.</summary>
        S32Planar = 7,

        /// <summary>Planar float.</summary>
        FloatPlanar = 8,

        /// <summary>Planar double.</summary>
        DoublePlanar = 9,
    }
}
