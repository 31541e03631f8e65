using System.Runtime.InteropServices;
using static CqtMl.Audio.Decoding.Native.LibAvConstants;

namespace CqtMl.Audio.Decoding.Native;

/// <summary>
/// Streams a file through ffmpeg's own demuxer and decoder, in process (no ffmpeg executable, no temporary file):
/// about 1,000 times real time for MP3 and Ogg Vorbis on one core, against 150 to 250 for the managed decoders. The
/// timeline is ffmpeg's gapless one (encoder delay and padding removed), the same the managed readers produce.
/// </summary>
internal sealed unsafe class LibAvReader : AudioReader
{
    private readonly LibAv.Api _api;
    private readonly int _streamIndex;
    private void* _formatContext;
    private void* _codecContext;
    private void* _packet;
    private void* _frame;
    private int _frameStart;
    private int _frameLeft;
    private bool _inputEnded;
    private bool _decoderEnded;

    private LibAvReader(string path, long? frameCount, LibAv.Api api, void* formatContext, void* codecContext, int streamIndex, int sampleRate, int channels)
        : base(path, sampleRate, channels, frameCount)
    {
        _api = api;
        _formatContext = formatContext;
        _codecContext = codecContext;
        _streamIndex = streamIndex;
        _packet = api.av_packet_alloc();
        _frame = api.av_frame_alloc();
        if (_packet is null || _frame is null)
        {
            throw new OutOfMemoryException("ffmpeg could not allocate a packet or a frame.");
        }
    }

    /// <summary>Finalizes the reader, releasing ffmpeg's memory if it was not disposed.</summary>
    ~LibAvReader() => Dispose(false);

    /// <summary>Gets the name of the ffmpeg decoder in use (for example <c>mp3float</c>, <c>vorbis</c>).</summary>
    public string DecoderName { get; private init; } = string.Empty;

    /// <summary>Opens <paramref name="path"/> with ffmpeg's libraries.</summary>
    /// <param name="path">The audio file.</param>
    /// <param name="frameCount">The exact length per channel when the caller knows it (from the file's own layout), else null.</param>
    /// <returns>The reader.</returns>
    /// <exception cref="AudioFormatException">The libraries cannot open or decode the file.</exception>
    public static LibAvReader Open(string path, long? frameCount)
    {
        if (IO.RegularFile.Problem(path) is string problem)
        {
            throw new AudioFormatException(path, problem);
        }

        if (!File.Exists(path))
        {
            throw new AudioFormatException(path, "file not found");
        }

        LibAv.Api api = LibAv.Functions;
        void* formatContext = null;
        void* codecContext = null;
        try
        {
            fixed (byte* url = LibAv.Utf8(path))
            {
                Check(path, api.avformat_open_input(&formatContext, url, null, null), "ffmpeg could not open it");
            }

            // Reads the first packets where the header alone does not give the stream's parameters (short MP3s).
            Check(path, api.avformat_find_stream_info(formatContext, null), "ffmpeg could not read the stream's parameters");

            void* decoder = null;
            int index = api.av_find_best_stream(formatContext, MediaTypeAudio, -1, -1, &decoder, 0);
            if (index < 0 || decoder is null)
            {
                throw new AudioFormatException(path, $"ffmpeg found no decodable audio stream ({LibAv.ErrorText(index)})");
            }

            byte* stream = ((byte**)*(nint*)((byte*)formatContext + FormatStreams))[index];
            void* parameters = *(void**)(stream + StreamCodecParameters(api.FormatMajor));
            if (*(int*)(stream + StreamIndex(api.FormatMajor)) != index || parameters is null || *(int*)((byte*)parameters + ParametersCodecType) != MediaTypeAudio)
            {
                throw new AudioFormatException(path, $"the AVStream layout of libavformat {api.FormatMajor} is not the one this decoder knows")
                {
                    IsDecoderLimitation = true,
                };
            }

            codecContext = api.avcodec_alloc_context3(decoder);
            if (codecContext is null)
            {
                throw new OutOfMemoryException("ffmpeg could not allocate a decoder.");
            }

            Check(path, api.avcodec_parameters_to_context(codecContext, parameters), "ffmpeg could not set up its decoder");
            Check(path, api.avcodec_open2(codecContext, decoder, null), "ffmpeg could not open its decoder");
            long sampleRate = 0;
            fixed (byte* name = "ar\0"u8)
            {
                Check(path, api.av_opt_get_int(codecContext, name, 0, &sampleRate), "ffmpeg does not report the sample rate");
            }

            int channels;
            byte* layout = stackalloc byte[ChannelLayoutSize];
            new Span<byte>(layout, ChannelLayoutSize).Clear();
            fixed (byte* name = "ch_layout\0"u8)
            {
                Check(path, api.av_opt_get_chlayout(codecContext, name, 0, layout), "ffmpeg does not report the channel layout");
                channels = *(int*)(layout + ChannelLayoutCount);
                api.av_channel_layout_uninit(layout);
            }

            CheckSampleRate(path, sampleRate);
            string decoderName = Marshal.PtrToStringUTF8(*(nint*)decoder) ?? "?";
            var reader = new LibAvReader(path, frameCount, api, formatContext, codecContext, index, (int)sampleRate, channels) { DecoderName = decoderName };
            formatContext = null;
            codecContext = null;
            return reader;
        }
        finally
        {
            if (codecContext is not null)
            {
                api.avcodec_free_context(&codecContext);
            }

            if (formatContext is not null)
            {
                api.avformat_close_input(&formatContext);
            }
        }
    }

    /// <inheritdoc/>
    protected override int ReadCore(float[][] channels, int offset, int count)
    {
        int written = 0;
        while (written < count)
        {
            if (_frameLeft == 0 && !NextFrame())
            {
                break;
            }

            int take = Math.Min(_frameLeft, count - written);
            CopyFrame(channels, offset + written, take);
            _frameStart += take;
            _frameLeft -= take;
            written += take;
        }

        return written;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        void* frame = _frame, packet = _packet, codec = _codecContext, format = _formatContext;
        _frame = _packet = _codecContext = _formatContext = null;
        if (frame is not null)
        {
            _api.av_frame_free(&frame);
        }

        if (packet is not null)
        {
            _api.av_packet_free(&packet);
        }

        if (codec is not null)
        {
            _api.avcodec_free_context(&codec);
        }

        if (format is not null)
        {
            _api.avformat_close_input(&format);
        }
    }

    private static void Check(string path, int code, string what)
    {
        if (code < 0)
        {
            throw new AudioFormatException(path, $"{what} ({LibAv.ErrorText(code)})");
        }
    }

    /// <summary>Receives the next decoded frame, feeding packets as the decoder asks; false at the end.</summary>
    private bool NextFrame()
    {
        ObjectDisposedException.ThrowIf(_frame is null, this);
        while (!_decoderEnded)
        {
            _api.av_frame_unref(_frame);
            int received = _api.avcodec_receive_frame(_codecContext, _frame);
            if (received == 0)
            {
                _frameStart = 0;
                _frameLeft = *(int*)((byte*)_frame + FrameSampleCount);
                if (_frameLeft > 0)
                {
                    return true;
                }

                continue;
            }

            if (received == ErrorEof)
            {
                _decoderEnded = true;
                break;
            }

            if (received != ErrorAgain)
            {
                throw new AudioFormatException(Path, $"corrupt: ffmpeg's decoder stopped after {Position} samples per channel ({LibAv.ErrorText(received)})");
            }

            SendPacket();
        }

        return false;
    }

    /// <summary>Sends the stream's next packet to the decoder, or the end-of-stream signal.</summary>
    private void SendPacket()
    {
        if (_inputEnded)
        {
            throw new InvalidOperationException("ffmpeg's decoder asked for input after the end of the stream.");
        }

        while (true)
        {
            int read = _api.av_read_frame(_formatContext, _packet);
            if (read == ErrorEof)
            {
                _inputEnded = true;
                Check(Path, _api.avcodec_send_packet(_codecContext, null), "corrupt: ffmpeg's decoder failed at the end of the stream");
                return;
            }

            if (read < 0)
            {
                throw new AudioFormatException(Path, $"corrupt: ffmpeg could not read past {Position} samples per channel ({LibAv.ErrorText(read)})");
            }

            try
            {
                if (*(int*)((byte*)_packet + PacketStreamIndex) != _streamIndex)
                {
                    continue;
                }

                int sent = _api.avcodec_send_packet(_codecContext, _packet);
                if (sent < 0)
                {
                    throw new AudioFormatException(Path, $"corrupt: ffmpeg's decoder rejected the data after {Position} samples per channel ({LibAv.ErrorText(sent)})");
                }

                return;
            }
            finally
            {
                _api.av_packet_unref(_packet);
            }
        }
    }

    /// <summary>Converts <paramref name="count"/> samples of the current frame to float planes.</summary>
    private void CopyFrame(float[][] channels, int offset, int count)
    {
        var format = (SampleFormat)(*(int*)((byte*)_frame + FrameFormat));
        byte** planes = *(byte***)((byte*)_frame + FrameExtendedData);
        int n = ChannelCount;
        bool planar = format >= SampleFormat.U8Planar;
        for (int c = 0; c < n; c++)
        {
            byte* plane = planes[planar ? c : 0];
            if (plane is null)
            {
                throw new AudioFormatException(Path, $"corrupt: the channel count changes after {Position} samples per channel");
            }

            Span<float> destination = channels[c].AsSpan(offset, count);
            int stride = planar ? 1 : n, first = (planar ? 0 : c) + (_frameStart * stride);
            switch (format)
            {
                case SampleFormat.FloatPlanar:
                    new ReadOnlySpan<float>((float*)plane + _frameStart, count).CopyTo(destination);
                    break;
                case SampleFormat.Float:
                    for (int i = 0; i < count; i++)
                    {
                        destination[i] = ((float*)plane)[first + (i * stride)];
                    }

                    break;
                case SampleFormat.Double or SampleFormat.DoublePlanar:
                    for (int i = 0; i < count; i++)
                    {
                        destination[i] = (float)((double*)plane)[first + (i * stride)];
                    }

                    break;
                case SampleFormat.S16 or SampleFormat.S16Planar:
                    for (int i = 0; i < count; i++)
                    {
                        destination[i] = ((short*)plane)[first + (i * stride)] / 32768f;
                    }

                    break;
                case SampleFormat.S32 or SampleFormat.S32Planar:
                    for (int i = 0; i < count; i++)
                    {
                        destination[i] = (float)(((int*)plane)[first + (i * stride)] / 2147483648.0);
                    }

                    break;
                case SampleFormat.U8 or SampleFormat.U8Planar:
                    for (int i = 0; i < count; i++)
                    {
                        destination[i] = (plane[first + (i * stride)] - 128) / 128f;
                    }

                    break;
                default:
                    throw new AudioFormatException(Path, $"ffmpeg's decoder produced sample format {(int)format}, which this reader does not convert")
                    {
                        IsDecoderLimitation = true,
                    };
            }
        }
    }
}
