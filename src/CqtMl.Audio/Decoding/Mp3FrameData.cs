using NLayer;

namespace CqtMl.Audio.Decoding;

/// <summary>One MPEG frame's bytes presented to NLayer's frame decoder (bits read MSB first after header and CRC).</summary>
internal sealed class Mp3FrameData : IMpegFrame
{
    private byte[] _bytes = Array.Empty<byte>();
    private MpegFrameHeader _header;
    private int _bitPosition;

    public int SampleRate => _header.SampleRate;

    public int SampleRateIndex => (_bytes[2] >> 2) & 3;

    public int FrameLength => _header.FrameLength;

    public int BitRate => _header.Bitrate;

    public MpegVersion Version => _header.Version switch { 1 => MpegVersion.Version1, 2 => MpegVersion.Version2, _ => MpegVersion.Version25 };

    public MpegLayer Layer => _header.Layer switch { 1 => MpegLayer.LayerI, 2 => MpegLayer.LayerII, _ => MpegLayer.LayerIII };

    public MpegChannelMode ChannelMode => (MpegChannelMode)(_bytes[3] >> 6);

    public int ChannelModeExtension => (_bytes[3] >> 4) & 3;

    public int SampleCount => _header.SamplesPerFrame;

    public int BitRateIndex => _bytes[2] >> 4;

    public bool IsCopyrighted => (_bytes[3] & 8) != 0;

    public bool HasCrc => _header.HasCrc;

    public bool IsCorrupted => false;

    /// <summary>Points this object at a new frame.</summary>
    public void Set(byte[] bytes, MpegFrameHeader header)
    {
        _bytes = bytes;
        _header = header;
        Reset();
    }

    public void Reset() => _bitPosition = (4 + (_header.HasCrc ? 2 : 0)) * 8;

    public int ReadBits(int bitCount)
    {
        if (bitCount < 1 || bitCount > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(bitCount));
        }

        if (_bitPosition + bitCount > _header.FrameLength * 8)
        {
            return -1;
        }

        int value = 0;
        for (int i = 0; i < bitCount; i++, _bitPosition++)
        {
            value = (value << 1) | ((_bytes[_bitPosition >> 3] >> (7 - (_bitPosition & 7))) & 1);
        }

        return value;
    }
}
