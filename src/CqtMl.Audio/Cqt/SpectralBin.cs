using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CqtMl.Audio.Dsp;

namespace CqtMl.Audio.Cqt;

/// <summary>A bin evaluated in the frequency domain from the kept band of its kernel's spectrum.</summary>
internal sealed class SpectralBin
{
    private const int Lanes = 8;

    private Segment[]? _segments;

    private SpectralBin(int bin, int low, float[] re, float[] im)
    {
        Bin = bin;
        Low = low;
        Re = re;
        Im = im;
    }

    /// <summary>Gets the bin index.</summary>
    public int Bin { get; }

    /// <summary>Gets the first kept frequency index (may be negative: indices wrap modulo N).</summary>
    public int Low { get; }

    /// <summary>Gets the kept spectrum, real parts.</summary>
    public float[] Re { get; }

    /// <summary>Gets the kept spectrum, imaginary parts.</summary>
    public float[] Im { get; }

    public static SpectralBin Create(int bin, CqtKernel kernel, ComplexFft fft, ComplexFft.Workspace work, float[] re, float[] im)
    {
        int n = fft.Length;
        Array.Clear(re);
        Array.Clear(im);
        for (int i = 0; i < kernel.TapCount; i++)
        {
            int t = ((kernel.Start + i) % n + n) % n;
            re[t] = (float)kernel.Re[i];
            im[t] = (float)kernel.Im[i];
        }

        fft.Transform(re, im, work, inverse: false);
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            total += (double)re[i] * re[i] + (double)im[i] * im[i];
        }

        // Grow a contiguous band around the peak, always taking the stronger neighbour, until the energy left
        // outside is at most CqtPlan.TailEnergy of the total.
        int peak = 0;
        double peakPower = -1;
        for (int i = 0; i < n; i++)
        {
            double p = (double)re[i] * re[i] + (double)im[i] * im[i];
            if (p > peakPower)
            {
                peakPower = p;
                peak = i;
            }
        }

        int low = peak, high = peak;
        double kept = peakPower;
        while (total - kept > CqtPlan.TailEnergy * total && high - low + 1 < n)
        {
            int below = ((low - 1) % n + n) % n, above = (high + 1) % n;
            double pBelow = (double)re[below] * re[below] + (double)im[below] * im[below];
            double pAbove = (double)re[above] * re[above] + (double)im[above] * im[above];
            if (pBelow > pAbove)
            {
                low--;
                kept += pBelow;
            }
            else
            {
                high++;
                kept += pAbove;
            }
        }

        // Also keep every coefficient whose magnitude exceeds PeakFloor of the peak: a strong partial just outside an
        // energy-based band (a tone above the top bin, say) would otherwise lose its leakage, which the bin's value can
        // consist of.
        double floor = CqtPlan.PeakFloor * CqtPlan.PeakFloor * peakPower;
        for (int offset = n / 2; offset > high - peak; offset--)
        {
            int i = (peak + offset) % n;
            if ((double)re[i] * re[i] + (double)im[i] * im[i] > floor)
            {
                high = peak + offset;
                break;
            }
        }

        for (int offset = n / 2; offset > peak - low; offset--)
        {
            int i = ((peak - offset) % n + n) % n;
            if ((double)re[i] * re[i] + (double)im[i] * im[i] > floor)
            {
                low = peak - offset;
                break;
            }
        }

        if (high - low + 1 > n)
        {
            high = low + n - 1;
        }

        int count = high - low + 1;
        var keptRe = new float[count];
        var keptIm = new float[count];
        for (int j = 0; j < count; j++)
        {
            int i = ((low + j) % n + n) % n;
            keptRe[j] = re[i];
            keptIm[j] = im[i];
        }

        return new SpectralBin(bin, low, keptRe, keptIm);
    }

    /// <summary>Accumulates <c>Y[f] H[f]</c> over the kept band into buckets <c>f mod M</c>.</summary>
    public void Fold(float[] yRe, float[] yIm, Span<float> foldRe, Span<float> foldIm, int n)
    {
        int m = foldRe.Length;
        foldRe.Clear();
        foldIm.Clear();
        Segment[] segments = _segments ??= Segments(n, m);
        ref float pYr = ref MemoryMarshal.GetArrayDataReference(yRe);
        ref float pYi = ref MemoryMarshal.GetArrayDataReference(yIm);
        ref float pHr = ref MemoryMarshal.GetArrayDataReference(Re);
        ref float pHi = ref MemoryMarshal.GetArrayDataReference(Im);
        ref float pCr = ref MemoryMarshal.GetReference(foldRe);
        ref float pCi = ref MemoryMarshal.GetReference(foldIm);
        foreach (Segment segment in segments)
        {
            nuint y = (nuint)segment.Index, h = (nuint)segment.Kernel, c = (nuint)segment.Bucket;
            int i = 0, length = segment.Length;
            for (; i + Lanes <= length; i += Lanes)
            {
                nuint o = (nuint)i;
                var xr = Vector256.LoadUnsafe(ref pYr, y + o);
                var xi = Vector256.LoadUnsafe(ref pYi, y + o);
                var kr = Vector256.LoadUnsafe(ref pHr, h + o);
                var ki = Vector256.LoadUnsafe(ref pHi, h + o);
                Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref pCr, c + o) + (xr * kr - xi * ki), ref pCr, c + o);
                Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref pCi, c + o) + (xr * ki + xi * kr), ref pCi, c + o);
            }

            for (; i < length; i++)
            {
                nuint o = (nuint)i;
                float xr = Unsafe.Add(ref pYr, y + o), xi = Unsafe.Add(ref pYi, y + o);
                float kr = Unsafe.Add(ref pHr, h + o), ki = Unsafe.Add(ref pHi, h + o);
                Unsafe.Add(ref pCr, c + o) += xr * kr - xi * ki;
                Unsafe.Add(ref pCi, c + o) += xr * ki + xi * kr;
            }
        }
    }

    /// <summary>Splits the kept band into runs contiguous both in the spectrum (mod N) and in the buckets (mod M).</summary>
    private Segment[] Segments(int n, int m)
    {
        var segments = new List<Segment>();
        int j = 0, count = Re.Length;
        long f = Low;
        while (j < count)
        {
            int index = (int)(((f % n) + n) % n);
            int r = index % m;
            int length = Math.Min(count - j, m - r);
            segments.Add(new Segment(index, j, r, length));
            j += length;
            f += length;
        }

        return segments.ToArray();
    }

    /// <summary>A run of the fold: spectrum from Index, kernel from Kernel, buckets from Bucket, Length values.</summary>
    private readonly record struct Segment(int Index, int Kernel, int Bucket, int Length);
}
