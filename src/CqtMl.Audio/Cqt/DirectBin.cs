using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CqtMl.Audio.Cqt;

/// <summary>A bin evaluated directly as a dot product with its time-reversed taps (exact).</summary>
internal sealed class DirectBin
{
    private const int Lanes = 8;

    private DirectBin(int bin, int end, float[] re, float[] im)
    {
        Bin = bin;
        End = end;
        Re = re;
        Im = im;
    }

    /// <summary>Gets the bin index.</summary>
    public int Bin { get; }

    /// <summary>Gets the kernel's last tap offset: frame position p reads samples from p - End.</summary>
    public int End { get; }

    /// <summary>Gets the reversed taps' real parts, zero-padded to a multiple of 8.</summary>
    public float[] Re { get; }

    /// <summary>Gets the reversed taps' imaginary parts, zero-padded to a multiple of 8.</summary>
    public float[] Im { get; }

    public static DirectBin Create(int bin, CqtKernel kernel)
    {
        int padded = (kernel.TapCount + Lanes - 1) / Lanes * Lanes;
        var re = new float[padded];
        var im = new float[padded];
        for (int j = 0; j < kernel.TapCount; j++)
        {
            re[j] = (float)kernel.Re[kernel.TapCount - 1 - j];
            im[j] = (float)kernel.Im[kernel.TapCount - 1 - j];
        }

        return new DirectBin(bin, kernel.End, re, im);
    }

    /// <summary>C[f] = sum_j taps[j] * block[(first + f) * hop - End + j].</summary>
    public void Evaluate(float[] block, int first, int hop, int frames, Span<float> outRe, Span<float> outIm)
    {
        ref float pr = ref MemoryMarshal.GetArrayDataReference(Re);
        ref float pi = ref MemoryMarshal.GetArrayDataReference(Im);
        ref float py = ref MemoryMarshal.GetArrayDataReference(block);
        int taps = Re.Length;
        for (int f = 0; f < frames; f++)
        {
            nuint origin = (nuint)((first + f) * hop - End);
            var accR = Vector256<float>.Zero;
            var accI = Vector256<float>.Zero;
            for (int j = 0; j < taps; j += Lanes)
            {
                var y = Vector256.LoadUnsafe(ref py, origin + (nuint)j);
                accR += y * Vector256.LoadUnsafe(ref pr, (nuint)j);
                accI += y * Vector256.LoadUnsafe(ref pi, (nuint)j);
            }

            outRe[f] = Vector256.Sum(accR);
            outIm[f] = Vector256.Sum(accI);
        }
    }
}
