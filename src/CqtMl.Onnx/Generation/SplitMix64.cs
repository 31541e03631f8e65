namespace CqtMl.Onnx.Generation;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fully specified 64-bit generator, so that the same seed gives the
/// same numbers in every runtime, process and platform.
/// </summary>
internal struct SplitMix64(long seed)
{
    private ulong _state = unchecked((ulong)seed);

    /// <summary>Returns a uniform number in the open interval (0, 1): 53 random bits offset by half a step.</summary>
    public double NextOpenUniform()
    {
        _state = unchecked(_state + 0x9E3779B97F4A7C15UL);
        ulong z = _state;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return ((z >> 11) + 0.5) / (1UL << 53);
    }
}
