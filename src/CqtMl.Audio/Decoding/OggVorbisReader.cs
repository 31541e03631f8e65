using NVorbis;

namespace CqtMl.Audio.Decoding;

/// <summary>Reads Ogg Vorbis files with NVorbis after checking every page (CRC, sequence, end of stream).</summary>
public sealed class OggVorbisReader : AudioReader
{
    private readonly VorbisReader _decoder;
    private float[] _interleaved = Array.Empty<float>();

    private OggVorbisReader(string path, VorbisReader decoder, long totalSamples)
        : base(path, decoder.SampleRate, decoder.Channels, totalSamples)
    {
        _decoder = decoder;
    }

    /// <summary>Opens an Ogg Vorbis file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>A reader positioned at the first sample.</returns>
    /// <exception cref="AudioFormatException">Not Ogg Vorbis, or a damaged page.</exception>
    public static OggVorbisReader Open(string path)
    {
        Stream stream = AudioDecoder.OpenFile(path);
        VorbisReader? decoder = null;
        try
        {
            OggLayout.Result layout = OggLayout.Check(path, stream);
            if (layout.Codec != "vorbis")
            {
                throw new AudioFormatException(path, $"the Ogg stream holds {layout.Codec}, not Vorbis");
            }

            stream.Position = 0;
            if (layout.Patches.Count > 0)
            {
                stream = new PatchedStream(stream, layout.Patches);
            }

            long declared;
            try
            {
                decoder = new VorbisReader(stream, closeOnDispose: true);
                declared = decoder.TotalSamples;
            }
            catch (Exception e) when (e is not AudioFormatException and not OutOfMemoryException)
            {
                throw new AudioFormatException(path, $"corrupt Vorbis stream ({e.Message})", e);
            }

            if (decoder.Channels <= 0 || decoder.SampleRate <= 0)
            {
                throw new AudioFormatException(path, "corrupt Vorbis identification header");
            }

            decoder.ClipSamples = false;
            return new OggVorbisReader(path, decoder, declared);
        }
        catch
        {
            decoder?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    protected override int ReadCore(float[][] channels, int offset, int count)
    {
        int n = ChannelCount;
        if (_interleaved.Length < count * n)
        {
            _interleaved = new float[count * n];
        }

        int values = _decoder.ReadSamples(_interleaved, 0, count * n);
        int frames = values / n;
        if (frames == 0 && FrameCount is long declared && Position != declared)
        {
            // NVorbis drops samples where an encoder's granule positions disagree with the packets (old encoders);
            // the result would be shifted, so refuse it rather than return a wrong timeline.
            throw new AudioFormatException(Path, $"NVorbis decoded {Position} samples per channel but the stream's final granule position says {declared} (granule positions disagree with the packets)")
            {
                IsDecoderLimitation = true,
            };
        }
        Deinterleave(_interleaved, frames, channels, offset);
        return frames;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _decoder.Dispose();
        }
    }
}
