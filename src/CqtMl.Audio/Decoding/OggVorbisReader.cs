using NVorbis;

namespace CqtMl.Audio.Decoding;

/// <summary>Reads Ogg Vorbis files with NVorbis after checking every page (CRC, sequence, end of stream).</summary>
public sealed class OggVorbisReader : AudioReader
{
    private readonly VorbisReader _decoder;
    private float[] _interleaved = Array.Empty<float>();

    private OggVorbisReader(string path, VorbisReader decoder)
        : base(path, decoder.SampleRate, decoder.Channels, decoder.TotalSamples)
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
        try
        {
            string codec = OggLayout.Check(path, stream);
            if (codec != "vorbis")
            {
                throw new AudioFormatException(path, $"the Ogg stream holds {codec}, not Vorbis");
            }

            stream.Position = 0;
            VorbisReader decoder;
            try
            {
                decoder = new VorbisReader(stream, closeOnDispose: true);
            }
            catch (Exception e)
            {
                throw new AudioFormatException(path, $"corrupt Vorbis headers ({e.Message})", e);
            }

            if (decoder.Channels <= 0 || decoder.SampleRate <= 0)
            {
                decoder.Dispose();
                throw new AudioFormatException(path, "corrupt Vorbis identification header");
            }

            decoder.ClipSamples = false;
            return new OggVorbisReader(path, decoder);
        }
        catch
        {
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
