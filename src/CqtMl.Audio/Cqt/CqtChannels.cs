namespace CqtMl.Audio.Cqt;

/// <summary>How the two channels of a CQT tensor <c>[2, bins, frames]</c> are formed.</summary>
public enum CqtChannels
{
    /// <summary>Magnitudes of the CQT of the left and the right channel; mono input is duplicated. The default.</summary>
    Stereo = 0,

    /// <summary>Real and imaginary part of the CQT of the mono mix (the mean of all channels).</summary>
    Complex = 1,
}
