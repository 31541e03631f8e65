namespace CqtMl.Onnx.Generation;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fully specified 64-bit generator, so that the same seed gives the
/// same numbers in every runtime, process and platform (noise, dropout masks, comparison datasets).
/// </summary>
/// <param name="seed">The seed.</param>
public struct SplitMix64(long seed)
{
    private ulong _state = unchecked((ulong)seed);

    /// <summary>Returns the next 64 random bits.</summary>
    /// <returns>The bits.</returns>
    public ulong NextUInt64()
    {
        _state = unchecked(_state + 0x9E3779B97F4A7C15UL);
        ulong z = _state;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>Returns a uniform number in the open interval (0, 1): 53 random bits offset by half a step.</summary>
    /// <returns>The number.</returns>
    public double NextOpenUniform() => ((NextUInt64() >> 11) + 0.5) / (1UL << 53);

    /// <summary>Returns a uniform integer in [0, <paramref name="count"/>).</summary>
    /// <param name="count">The number of choices (positive).</param>
    /// <returns>The choice.</returns>
    public int NextInt(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return (int)(NextOpenUniform() * count);
    }

    /// <summary>Returns a non-negative 63-bit seed for another stream.</summary>
    /// <returns>The seed.</returns>
    public long NextSeed() => (long)(NextUInt64() >> 1);
}
