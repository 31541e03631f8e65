namespace CqtMl.Audio.Cqt;

/// <summary>
/// A run of consecutive CQT frames emitted by a <see cref="CqtStream"/>: complex values laid out
/// <c>[bins, FrameCount]</c>.
/// </summary>
public sealed class CqtBlock
{
    internal CqtBlock(int firstFrame, int frameCount, int binCount, float[] real, float[] imaginary)
    {
        FirstFrame = firstFrame;
        FrameCount = frameCount;
        BinCount = binCount;
        Real = real;
        Imaginary = imaginary;
    }

    /// <summary>Gets the index of the block's first frame in the whole signal.</summary>
    public int FirstFrame { get; }

    /// <summary>Gets the number of frames in the block.</summary>
    public int FrameCount { get; }

    /// <summary>Gets the number of bins.</summary>
    public int BinCount { get; }

    /// <summary>Gets the real parts, <c>[bins, FrameCount]</c>.</summary>
    public float[] Real { get; }

    /// <summary>Gets the imaginary parts, <c>[bins, FrameCount]</c>.</summary>
    public float[] Imaginary { get; }

    /// <summary>Computes the magnitudes <c>[bins, FrameCount]</c>.</summary>
    /// <returns>A new array.</returns>
    public float[] Magnitude()
    {
        var magnitude = new float[Real.Length];
        CqtExtractor.Magnitude(Real, Imaginary, magnitude);
        return magnitude;
    }
}
