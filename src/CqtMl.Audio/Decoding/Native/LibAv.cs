using System.Runtime.InteropServices;
using System.Text;

namespace CqtMl.Audio.Decoding.Native;

/// <summary>
/// ffmpeg's decoding libraries (libavformat, libavcodec, libavutil), loaded at run time when the machine has them
/// (Debian/Ubuntu package <c>ffmpeg</c> or <c>libavformat59</c>..., FFmpeg 5 to 8). Nothing is bundled and nothing is
/// required: without them, or with a version whose structure layout is not known here, <see cref="IsAvailable"/> is
/// false, <see cref="UnavailableReason"/> says why, and the managed decoders are used.
/// </summary>
internal static unsafe class LibAv
{
    private static readonly Lazy<Api?> Loaded = new(LoadAndSay);
    private static string _unavailableReason = string.Empty;

    /// <summary>Gets a value indicating whether the libraries were found and are usable.</summary>
    public static bool IsAvailable => Loaded.Value is not null;

    /// <summary>Gets why the libraries are not used (empty when they are).</summary>
    public static string UnavailableReason => Loaded.Value is null ? _unavailableReason : string.Empty;

    /// <summary>Gets the loaded functions; call only when <see cref="IsAvailable"/>.</summary>
    public static Api Functions => Loaded.Value ?? throw new InvalidOperationException($"ffmpeg's libraries are not available: {_unavailableReason}");

    /// <summary>Gets the message ffmpeg gives for an error code.</summary>
    /// <param name="code">A negative AVERROR code.</param>
    /// <returns>The message.</returns>
    public static string ErrorText(int code)
    {
        byte* buffer = stackalloc byte[256];
        return Functions.av_strerror(code, buffer, 256) == 0 ? Marshal.PtrToStringUTF8((nint)buffer) ?? $"error {code}" : $"error {code}";
    }

    /// <summary>Passes a string to C as a NUL-terminated UTF-8 buffer.</summary>
    /// <param name="text">The string.</param>
    /// <returns>The bytes, with the terminator.</returns>
    public static byte[] Utf8(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    private static Api? LoadAndSay()
    {
        Api? api = Load();
        System.Diagnostics.Trace.WriteLine(api is null
            ? $"MP3 and Ogg Vorbis are decoded by the managed decoders (NLayer, NVorbis): ffmpeg's libraries are not used ({_unavailableReason})"
            : $"MP3 and Ogg Vorbis are decoded by ffmpeg's libraries in process (libavformat {api.FormatMajor})");
        return api;
    }

    private static Api? Load()
    {
        if (Environment.GetEnvironmentVariable("CQTML_NATIVE_DECODERS") is "0" or "false" or "off")
        {
            _unavailableReason = "disabled by CQTML_NATIVE_DECODERS";
            return null;
        }

        var tried = new List<string>();
        foreach ((int format, int codec, int util) in LibAvConstants.Releases)
        {
            if (!TryLoad("avutil", util, tried, out nint avutil) || !TryLoad("avcodec", codec, tried, out nint avcodec) || !TryLoad("avformat", format, tried, out nint avformat))
            {
                continue;
            }

            try
            {
                var api = new Api(avformat, avcodec, avutil, format);
                uint version = api.avformat_version();
                if ((int)(version >> 16) != format)
                {
                    _unavailableReason = $"libavformat.so.{format} reports version {version >> 16}";
                    return null;
                }

                api.av_log_set_level(LibAvConstants.LogQuiet);
                return api;
            }
            catch (EntryPointNotFoundException e)
            {
                _unavailableReason = $"ffmpeg's libraries (libavformat {format}) lack a function this decoder uses: {e.Message}";
                return null;
            }
        }

        _unavailableReason = $"ffmpeg's libraries (FFmpeg 5 to 8) were not found (tried {string.Join(", ", tried.Take(3))}, ...)";
        return null;
    }

    private static bool TryLoad(string name, int major, List<string> tried, out nint handle)
    {
        string[] candidates = OperatingSystem.IsWindows() ? new[] { $"{name}-{major}.dll" }
            : OperatingSystem.IsMacOS() ? new[] { $"lib{name}.{major}.dylib" }
            : new[] { $"lib{name}.so.{major}" };
        foreach (string candidate in candidates)
        {
            tried.Add(candidate);
            if (NativeLibrary.TryLoad(candidate, out handle))
            {
                return true;
            }
        }

        handle = 0;
        return false;
    }

    /// <summary>The C functions, bound once. Names follow ffmpeg's so the calls read like its documentation.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "ffmpeg's C names.")]
    internal sealed class Api
    {
        public Api(nint avformat, nint avcodec, nint avutil, int formatMajor)
        {
            FormatMajor = formatMajor;
            avformat_version = (delegate* unmanaged<uint>)Export(avformat, nameof(avformat_version));
            avformat_open_input = (delegate* unmanaged<void**, byte*, void*, void**, int>)Export(avformat, nameof(avformat_open_input));
            avformat_find_stream_info = (delegate* unmanaged<void*, void**, int>)Export(avformat, nameof(avformat_find_stream_info));
            av_find_best_stream = (delegate* unmanaged<void*, int, int, int, void**, int, int>)Export(avformat, nameof(av_find_best_stream));
            av_read_frame = (delegate* unmanaged<void*, void*, int>)Export(avformat, nameof(av_read_frame));
            avformat_close_input = (delegate* unmanaged<void**, void>)Export(avformat, nameof(avformat_close_input));
            avcodec_alloc_context3 = (delegate* unmanaged<void*, void*>)Export(avcodec, nameof(avcodec_alloc_context3));
            avcodec_parameters_to_context = (delegate* unmanaged<void*, void*, int>)Export(avcodec, nameof(avcodec_parameters_to_context));
            avcodec_open2 = (delegate* unmanaged<void*, void*, void**, int>)Export(avcodec, nameof(avcodec_open2));
            avcodec_send_packet = (delegate* unmanaged<void*, void*, int>)Export(avcodec, nameof(avcodec_send_packet));
            avcodec_receive_frame = (delegate* unmanaged<void*, void*, int>)Export(avcodec, nameof(avcodec_receive_frame));
            avcodec_free_context = (delegate* unmanaged<void**, void>)Export(avcodec, nameof(avcodec_free_context));
            av_packet_alloc = (delegate* unmanaged<void*>)Export(avcodec, nameof(av_packet_alloc));
            av_packet_free = (delegate* unmanaged<void**, void>)Export(avcodec, nameof(av_packet_free));
            av_packet_unref = (delegate* unmanaged<void*, void>)Export(avcodec, nameof(av_packet_unref));
            av_frame_alloc = (delegate* unmanaged<void*>)Export(avutil, nameof(av_frame_alloc));
            av_frame_free = (delegate* unmanaged<void**, void>)Export(avutil, nameof(av_frame_free));
            av_frame_unref = (delegate* unmanaged<void*, void>)Export(avutil, nameof(av_frame_unref));
            av_strerror = (delegate* unmanaged<int, byte*, nuint, int>)Export(avutil, nameof(av_strerror));
            av_log_set_level = (delegate* unmanaged<int, void>)Export(avutil, nameof(av_log_set_level));
            av_opt_get_int = (delegate* unmanaged<void*, byte*, int, long*, int>)Export(avutil, nameof(av_opt_get_int));
            av_opt_get_chlayout = (delegate* unmanaged<void*, byte*, int, void*, int>)Export(avutil, nameof(av_opt_get_chlayout));
            av_channel_layout_uninit = (delegate* unmanaged<void*, void>)Export(avutil, nameof(av_channel_layout_uninit));
        }

        public int FormatMajor { get; }

        public readonly delegate* unmanaged<uint> avformat_version;

        public readonly delegate* unmanaged<void**, byte*, void*, void**, int> avformat_open_input;

        public readonly delegate* unmanaged<void*, void**, int> avformat_find_stream_info;

        public readonly delegate* unmanaged<void*, int, int, int, void**, int, int> av_find_best_stream;

        public readonly delegate* unmanaged<void*, void*, int> av_read_frame;

        public readonly delegate* unmanaged<void**, void> avformat_close_input;

        public readonly delegate* unmanaged<void*, void*> avcodec_alloc_context3;

        public readonly delegate* unmanaged<void*, void*, int> avcodec_parameters_to_context;

        public readonly delegate* unmanaged<void*, void*, void**, int> avcodec_open2;

        public readonly delegate* unmanaged<void*, void*, int> avcodec_send_packet;

        public readonly delegate* unmanaged<void*, void*, int> avcodec_receive_frame;

        public readonly delegate* unmanaged<void**, void> avcodec_free_context;

        public readonly delegate* unmanaged<void*> av_packet_alloc;

        public readonly delegate* unmanaged<void**, void> av_packet_free;

        public readonly delegate* unmanaged<void*, void> av_packet_unref;

        public readonly delegate* unmanaged<void*> av_frame_alloc;

        public readonly delegate* unmanaged<void**, void> av_frame_free;

        public readonly delegate* unmanaged<void*, void> av_frame_unref;

        public readonly delegate* unmanaged<int, byte*, nuint, int> av_strerror;

        public readonly delegate* unmanaged<int, void> av_log_set_level;

        public readonly delegate* unmanaged<void*, byte*, int, long*, int> av_opt_get_int;

        public readonly delegate* unmanaged<void*, byte*, int, void*, int> av_opt_get_chlayout;

        public readonly delegate* unmanaged<void*, void> av_channel_layout_uninit;

        private static nint Export(nint library, string name) => NativeLibrary.GetExport(library, name);
    }
}
