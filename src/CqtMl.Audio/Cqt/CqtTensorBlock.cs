namespace CqtMl.Audio.Cqt;

/// <summary>A run of frames of a two-channel CQT tensor: <c>Channel0</c> and <c>Channel1</c>, each <c>[bins, FrameCount]</c>.</summary>
/// <param name="FirstFrame">The index of the block's first frame in the whole tensor.</param>
/// <param name="FrameCount">The number of frames in the block.</param>
/// <param name="Channel0">Channel 0 (left magnitude, or real part), <c>[bins, FrameCount]</c>.</param>
/// <param name="Channel1">Channel 1 (right magnitude, or imaginary part), <c>[bins, FrameCount]</c>.</param>
public sealed record CqtTensorBlock(int FirstFrame, int FrameCount, float[] Channel0, float[] Channel1);
