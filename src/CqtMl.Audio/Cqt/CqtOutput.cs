namespace CqtMl.Audio.Cqt;

/// <summary>What a single-signal CQT returns.</summary>
public enum CqtOutput
{
    /// <summary>Linear magnitudes <c>|C[k, m]|</c>, laid out <c>[bins, frames]</c>. The default.</summary>
    Magnitude = 0,

    /// <summary>Complex values, interleaved (real, imaginary) and laid out <c>[bins, frames, 2]</c>.</summary>
    Complex = 1,
}
