using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CqtMl.Audio.Dsp;

/// <summary>
/// Forward FFT of a real sequence of even length <c>n</c> (with <c>n / 2</c> divisible by 64), through one complex FFT
/// of half the length. Returns the full Hermitian spectrum <c>X[0..n)</c>. Immutable and thread-safe.
/// </summary>
internal sealed class RealFft
{
    private readonly ComplexFft _half;
    private readonly float[] _wRe;
    private readonly float[] _wIm;

    /// <summary>Initializes a plan for real sequences of <paramref name="length"/> points.</summary>
    public RealFft(int length)
    {
        if (length % 128 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "Length must be a positive multiple of 128.");
        }

        Length = length;
        _half = new ComplexFft(length / 2);
        _wRe = new float[length / 2];
        _wIm = new float[length / 2];
        for (int k = 0; k < length / 2; k++)
        {
            double angle = -2.0 * Math.PI * k / length;
            _wRe[k] = (float)Math.Cos(angle);
            _wIm[k] = (float)Math.Sin(angle);
        }
    }

    /// <summary>Gets the transform length.</summary>
    public int Length { get; }

    /// <summary>Creates scratch buffers sized for this plan.</summary>
    public Workspace CreateWorkspace() => new(Length);

    /// <summary>
    /// Computes the spectrum of <paramref name="signal"/> (length <see cref="Length"/>) into <paramref name="re"/> and
    /// <paramref name="im"/> (each of length <see cref="Length"/>), both halves filled.
    /// </summary>
    public void Forward(ReadOnlySpan<float> signal, Span<float> re, Span<float> im, Workspace work)
    {
        int n = Length, h = n / 2;
        if (signal.Length < n || re.Length < n || im.Length < n)
        {
            throw new ArgumentException($"Signal and spectrum buffers must hold {n} values.");
        }

        Span<float> zr = work.HalfRe, zi = work.HalfIm;
        Deinterleave(signal, zr, zi, h);
        _half.Transform(zr, zi, work.Complex, inverse: false);

        // Split the packed transform: X[k] = E[k] + W^k O[k], E = (Z[k] + conj Z[h-k]) / 2, O = (Z[k] - conj Z[h-k]) / 2i,
        // and mirror X[n-k] = conj X[k]. Vectorised over k, reading Z[h-k] backwards.
        ref float pzr = ref MemoryMarshal.GetReference(zr);
        ref float pzi = ref MemoryMarshal.GetReference(zi);
        ref float pr = ref MemoryMarshal.GetReference(re);
        ref float pi = ref MemoryMarshal.GetReference(im);
        ref float pwr = ref MemoryMarshal.GetArrayDataReference(_wRe);
        ref float pwi = ref MemoryMarshal.GetArrayDataReference(_wIm);
        var half = Vector256.Create(0.5f);
        var reverse = Vector256.Create(7, 6, 5, 4, 3, 2, 1, 0);
        int k = 1;
        for (; k + 8 <= h; k += 8)
        {
            var ar = Vector256.LoadUnsafe(ref pzr, (nuint)k);
            var ai = Vector256.LoadUnsafe(ref pzi, (nuint)k);
            var br = Vector256.Shuffle(Vector256.LoadUnsafe(ref pzr, (nuint)(h - k - 7)), reverse);
            var bi = -Vector256.Shuffle(Vector256.LoadUnsafe(ref pzi, (nuint)(h - k - 7)), reverse);
            var er = half * (ar + br);
            var ei = half * (ai + bi);
            var or = half * (ai - bi);
            var oi = half * (br - ar);
            var wr = Vector256.LoadUnsafe(ref pwr, (nuint)k);
            var wi = Vector256.LoadUnsafe(ref pwi, (nuint)k);
            var xr = er + (or * wr - oi * wi);
            var xi = ei + (or * wi + oi * wr);
            Vector256.StoreUnsafe(xr, ref pr, (nuint)k);
            Vector256.StoreUnsafe(xi, ref pi, (nuint)k);
            Vector256.StoreUnsafe(Vector256.Shuffle(xr, reverse), ref pr, (nuint)(n - k - 7));
            Vector256.StoreUnsafe(-Vector256.Shuffle(xi, reverse), ref pi, (nuint)(n - k - 7));
        }

        for (; k < h; k++)
        {
            float ar = zr[k], ai = zi[k], br = zr[h - k], bi = -zi[h - k];
            float er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
            float or = 0.5f * (ai - bi), oi = 0.5f * (br - ar);
            float wr = _wRe[k], wi = _wIm[k];
            re[k] = er + (or * wr - oi * wi);
            im[k] = ei + (or * wi + oi * wr);
            re[n - k] = re[k];
            im[n - k] = -im[k];
        }

        // X[0] = Re Z0 + Im Z0 and X[h] = Re Z0 - Im Z0, both real.
        float z0r = zr[0], z0i = zi[0];
        re[0] = z0r + z0i;
        im[0] = 0f;
        re[h] = z0r - z0i;
        im[h] = 0f;
    }

    private static void Deinterleave(ReadOnlySpan<float> signal, Span<float> even, Span<float> odd, int count)
    {
        ref float ps = ref MemoryMarshal.GetReference(signal);
        ref float pe = ref MemoryMarshal.GetReference(even);
        ref float po = ref MemoryMarshal.GetReference(odd);
        var evens = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
        var odds = Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7);
        int i = 0;
        for (; i + 8 <= count; i += 8)
        {
            var lo = Vector256.LoadUnsafe(ref ps, (nuint)(2 * i));
            var hi = Vector256.LoadUnsafe(ref ps, (nuint)(2 * i + 8));
            Vector256.StoreUnsafe(Vector256.Create(Vector256.Shuffle(lo, evens).GetLower(), Vector256.Shuffle(hi, evens).GetLower()), ref pe, (nuint)i);
            Vector256.StoreUnsafe(Vector256.Create(Vector256.Shuffle(lo, odds).GetLower(), Vector256.Shuffle(hi, odds).GetLower()), ref po, (nuint)i);
        }

        for (; i < count; i++)
        {
            even[i] = signal[2 * i];
            odd[i] = signal[2 * i + 1];
        }
    }

    /// <summary>Scratch buffers for one thread.</summary>
    public sealed class Workspace
    {
        internal Workspace(int length)
        {
            HalfRe = new float[length / 2];
            HalfIm = new float[length / 2];
            Complex = new ComplexFft.Workspace(length / 2);
        }

        internal float[] HalfRe { get; }

        internal float[] HalfIm { get; }

        internal ComplexFft.Workspace Complex { get; }
    }
}
