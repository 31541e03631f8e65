using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CqtMl.Audio.Dsp;

/// <summary>
/// A single complex FFT of a length divisible by 64, computed as a four-step transform
/// (<c>n = n1 * n2</c>: batched FFTs down the columns, twiddle, transpose, batched FFTs again) so that every pass is a
/// vectorised <see cref="BatchedFft"/>. Immutable and thread-safe; callers provide a <see cref="Workspace"/>.
/// </summary>
internal sealed class ComplexFft
{
    private readonly int _n1;
    private readonly int _n2;
    private readonly BatchedFft _columns;
    private readonly BatchedFft _rows;
    private readonly float[] _twRe;
    private readonly float[] _twIm;

    /// <summary>Initializes a plan for <paramref name="length"/> points.</summary>
    public ComplexFft(int length)
    {
        if (length <= 0 || length % 64 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "Length must be a positive multiple of 64.");
        }

        Length = length;
        (_n1, _n2) = Split(length);
        _columns = new BatchedFft(_n1);
        _rows = new BatchedFft(_n2);
        _twRe = new float[length];
        _twIm = new float[length];
        for (int k1 = 0; k1 < _n1; k1++)
        {
            for (int i2 = 0; i2 < _n2; i2++)
            {
                double angle = -2.0 * Math.PI * ((long)k1 * i2 % length) / length;
                _twRe[i2 * _n1 + k1] = (float)Math.Cos(angle);
                _twIm[i2 * _n1 + k1] = (float)Math.Sin(angle);
            }
        }
    }

    /// <summary>Gets the transform length.</summary>
    public int Length { get; }

    /// <summary>Transforms <paramref name="re"/> + i <paramref name="im"/> in place, unscaled.</summary>
    public void Transform(Span<float> re, Span<float> im, Workspace work, bool inverse)
    {
        // Columns: element i = n2*i1 + i2 is row i1, lane i2 -> n2 transforms of length n1, each result twiddled by
        // W^(k1*i2) and written transposed as [i2][k1]. Rows: n1 transforms of length n2; the result [k2][k1] is the
        // natural order k1 + n1*k2.
        Span<float> sr = work.Re.AsSpan(0, Length), si = work.Im.AsSpan(0, Length);
        _columns.Transform(re, im, sr, si, _n2, inverse, (_twRe, _twIm));
        _rows.Transform(sr, si, re, im, _n1, inverse);
    }

    private static (int N1, int N2) Split(int n)
    {
        // Both factors must be multiples of 8 (the vector width of BatchedFft); balance them for cache locality.
        int best1 = 8, bestScore = int.MaxValue;
        for (int n1 = 8; n1 <= n / 8; n1 += 8)
        {
            if (n % n1 != 0 || (n / n1) % 8 != 0)
            {
                continue;
            }

            int score = Math.Abs(BitOperations.Log2((uint)n1) - BitOperations.Log2((uint)(n / n1)) - 1);
            if (score < bestScore)
            {
                bestScore = score;
                best1 = n1;
            }
        }

        return (best1, n / best1);
    }

    /// <summary>Scratch buffers for one thread's transforms of up to a given length.</summary>
    public sealed class Workspace
    {
        /// <summary>Initializes scratch buffers for transforms of up to <paramref name="length"/> points.</summary>
        public Workspace(int length)
        {
            Re = new float[length];
            Im = new float[length];
        }

        /// <summary>Gets the real scratch buffer.</summary>
        public float[] Re { get; }

        /// <summary>Gets the imaginary scratch buffer.</summary>
        public float[] Im { get; }
    }
}
