using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CqtMl.Audio.Dsp;

/// <summary>
/// Complex FFTs of one length applied to many sequences at once, vectorised across the sequences.
/// </summary>
/// <remarks>
/// Data are split into real and imaginary arrays laid out row-major as <c>[length][batch]</c>: element <c>i</c> of
/// sequence <c>b</c> sits at <c>i * batch + b</c>. Every butterfly then works on whole rows, so the inner loop runs
/// over contiguous batch lanes with 256-bit vectors whatever the radix. The algorithm is a self-sorting Stockham
/// decimation in frequency with radices 4, 2, 3, 5 and a generic odd radix; the batch must be a multiple of 8.
/// Instances are immutable and thread-safe; callers provide the buffers.
/// </remarks>
internal sealed class BatchedFft
{
    private const int Lanes = 8;

    [ThreadStatic]
    private static float[]? _local;

    private readonly Stage[] _stages;

    /// <summary>Initializes a plan for sequences of <paramref name="length"/> points.</summary>
    public BatchedFft(int length)
    {
        if (length < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "FFT length must be positive.");
        }

        Length = length;
        var stages = new List<Stage>();
        int remaining = length;
        foreach (int radix in Factorize(length))
        {
            stages.Add(new Stage(radix, remaining));
            remaining /= radix;
        }

        _stages = stages.ToArray();
    }

    /// <summary>Gets the transform length.</summary>
    public int Length { get; }

    /// <summary>
    /// Transforms <paramref name="batch"/> sequences (unscaled; the inverse uses +i in the exponent), reading
    /// <paramref name="re"/>/<paramref name="im"/> and writing <paramref name="outRe"/>/<paramref name="outIm"/>, which
    /// may be the same buffers. The batch is processed a few lanes at a time in a small cache-resident buffer.
    /// </summary>
    /// <param name="re">Input real parts, <c>[Length][batch]</c>.</param>
    /// <param name="im">Input imaginary parts.</param>
    /// <param name="outRe">Output real parts: <c>[Length][batch]</c>, or <c>[batch][Length]</c> when transposing.</param>
    /// <param name="outIm">Output imaginary parts.</param>
    /// <param name="batch">The number of sequences, a positive multiple of 8.</param>
    /// <param name="inverse">True for the inverse transform.</param>
    /// <param name="transposeTwiddle">
    /// When set, each output <c>X_b[k]</c> is multiplied by <c>twiddle[b * Length + k]</c> (conjugated for the inverse)
    /// and written transposed, at <c>b * Length + k</c>: the middle step of a four-step FFT.
    /// </param>
    public void Transform(ReadOnlySpan<float> re, ReadOnlySpan<float> im, Span<float> outRe, Span<float> outIm, int batch, bool inverse, (float[] Re, float[] Im)? transposeTwiddle = null)
    {
        if (batch % Lanes != 0 || batch <= 0)
        {
            throw new ArgumentException($"Batch {batch} must be a positive multiple of {Lanes}.", nameof(batch));
        }

        int n = Length, size = n * batch;
        if (re.Length < size || im.Length < size || outRe.Length < size || outIm.Length < size)
        {
            throw new ArgumentException($"Buffers must hold {size} values.");
        }

        int chunk = Lanes;
        float[] local = LocalBuffer(4 * n * chunk);
        Span<float> aRe = local.AsSpan(0, n * chunk), aIm = local.AsSpan(n * chunk, n * chunk);
        Span<float> bRe = local.AsSpan(2 * n * chunk, n * chunk), bIm = local.AsSpan(3 * n * chunk, n * chunk);
        for (int c0 = 0; c0 < batch; c0 += chunk)
        {
            Gather(re, aRe, n, batch, c0, chunk);
            Gather(im, aIm, n, batch, c0, chunk);

            Span<float> xr = aRe, xi = aIm, yr = bRe, yi = bIm;
            int stride = 1;
            foreach (Stage stage in _stages)
            {
                stage.Run(xr, xi, yr, yi, stride, chunk, inverse);
                stride *= stage.Radix;
                Span<float> t = xr; xr = yr; yr = t;
                t = xi; xi = yi; yi = t;
            }

            if (transposeTwiddle is (float[] twRe, float[] twIm))
            {
                ScatterTransposed(xr, xi, outRe, outIm, twRe, twIm, n, batch, c0, chunk, inverse ? -1f : 1f);
            }
            else
            {
                Scatter(xr, outRe, n, batch, c0, chunk);
                Scatter(xi, outIm, n, batch, c0, chunk);
            }
        }
    }

    /// <summary>
    /// Transforms <paramref name="count"/> sequences stored one after another (<c>[count][Length]</c>, sequence-major)
    /// in place, unscaled. Lanes beyond <paramref name="count"/> in the last group of 8 are computed on zeros.
    /// </summary>
    /// <param name="re">Real parts, <c>[count][Length]</c>.</param>
    /// <param name="im">Imaginary parts.</param>
    /// <param name="count">The number of sequences.</param>
    /// <param name="inverse">True for the inverse transform.</param>
    public void TransformSequences(Span<float> re, Span<float> im, int count, bool inverse)
    {
        int n = Length;
        if (re.Length < n * count || im.Length < n * count)
        {
            throw new ArgumentException($"Buffers must hold {n * count} values.");
        }

        float[] local = LocalBuffer(4 * n * Lanes);
        Span<float> aRe = local.AsSpan(0, n * Lanes), aIm = local.AsSpan(n * Lanes, n * Lanes);
        Span<float> bRe = local.AsSpan(2 * n * Lanes, n * Lanes), bIm = local.AsSpan(3 * n * Lanes, n * Lanes);
        for (int c0 = 0; c0 < count; c0 += Lanes)
        {
            // Sequence-major rows c0..c0+7 -> lane-interleaved local buffer, 8 x 8 blocks at a time (n is a multiple
            // of 8 here; a last partial group is padded with zero rows).
            int lanes = Math.Min(Lanes, count - c0);
            TransposeIn(re, aRe, c0, lanes, n);
            TransposeIn(im, aIm, c0, lanes, n);

            Span<float> xr = aRe, xi = aIm, yr = bRe, yi = bIm;
            int stride = 1;
            foreach (Stage stage in _stages)
            {
                stage.Run(xr, xi, yr, yi, stride, Lanes, inverse);
                stride *= stage.Radix;
                Span<float> t = xr; xr = yr; yr = t;
                t = xi; xi = yi; yi = t;
            }

            TransposeOut(xr, re, c0, lanes, n);
            TransposeOut(xi, im, c0, lanes, n);
        }
    }

    private static void TransposeIn(ReadOnlySpan<float> rows, Span<float> local, int c0, int lanes, int n)
    {
        if (lanes == Lanes && n % Lanes == 0)
        {
            ref float src = ref MemoryMarshal.GetReference(rows);
            ref float dst = ref MemoryMarshal.GetReference(local);
            for (int i = 0; i < n; i += Lanes)
            {
                Transpose8.Block(ref Unsafe.Add(ref src, c0 * n + i), (nuint)n, ref Unsafe.Add(ref dst, i * Lanes), Lanes);
            }

            return;
        }

        local[..(n * Lanes)].Clear();
        for (int l = 0; l < lanes; l++)
        {
            ReadOnlySpan<float> row = rows.Slice((c0 + l) * n, n);
            for (int i = 0; i < n; i++)
            {
                local[i * Lanes + l] = row[i];
            }
        }
    }

    private static void TransposeOut(ReadOnlySpan<float> local, Span<float> rows, int c0, int lanes, int n)
    {
        if (lanes == Lanes && n % Lanes == 0)
        {
            ref float src = ref MemoryMarshal.GetReference(local);
            ref float dst = ref MemoryMarshal.GetReference(rows);
            for (int k = 0; k < n; k += Lanes)
            {
                Transpose8.Block(ref Unsafe.Add(ref src, k * Lanes), Lanes, ref Unsafe.Add(ref dst, c0 * n + k), (nuint)n);
            }

            return;
        }

        for (int l = 0; l < lanes; l++)
        {
            Span<float> row = rows.Slice((c0 + l) * n, n);
            for (int k = 0; k < n; k++)
            {
                row[k] = local[k * Lanes + l];
            }
        }
    }

    private static void Gather(ReadOnlySpan<float> source, Span<float> local, int n, int batch, int c0, int chunk)
    {
        ref float src = ref MemoryMarshal.GetReference(source);
        ref float dst = ref MemoryMarshal.GetReference(local);
        for (int i = 0; i < n; i++)
        {
            for (int l = 0; l < chunk; l += Lanes)
            {
                Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref src, (nuint)(i * batch + c0 + l)), ref dst, (nuint)(i * chunk + l));
            }
        }
    }

    private static void Scatter(ReadOnlySpan<float> local, Span<float> destination, int n, int batch, int c0, int chunk)
    {
        ref float src = ref MemoryMarshal.GetReference(local);
        ref float dst = ref MemoryMarshal.GetReference(destination);
        for (int k = 0; k < n; k++)
        {
            for (int l = 0; l < chunk; l += Lanes)
            {
                Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref src, (nuint)(k * chunk + l)), ref dst, (nuint)(k * batch + c0 + l));
            }
        }
    }

    private static void ScatterTransposed(Span<float> xr, Span<float> xi, Span<float> outRe, Span<float> outIm, float[] twRe, float[] twIm, int n, int batch, int c0, int chunk, float sign)
    {
        ref float qr = ref MemoryMarshal.GetReference(outRe);
        ref float qi = ref MemoryMarshal.GetReference(outIm);
        ref float wr = ref MemoryMarshal.GetArrayDataReference(twRe);
        ref float wi = ref MemoryMarshal.GetArrayDataReference(twIm);
        if (chunk == Lanes && n % Lanes == 0)
        {
            // Transpose [k][lane] to [lane][k] straight into the output, then twiddle it there.
            TransposeOut(xr, outRe, c0, Lanes, n);
            TransposeOut(xi, outIm, c0, Lanes, n);
            var vsign = Vector256.Create(sign);
            for (int at = c0 * n, end = (c0 + Lanes) * n; at < end; at += Lanes)
            {
                var ar = Vector256.LoadUnsafe(ref qr, (nuint)at);
                var ai = Vector256.LoadUnsafe(ref qi, (nuint)at);
                var cr = Vector256.LoadUnsafe(ref wr, (nuint)at);
                var ci = vsign * Vector256.LoadUnsafe(ref wi, (nuint)at);
                Vector256.StoreUnsafe(ar * cr - ai * ci, ref qr, (nuint)at);
                Vector256.StoreUnsafe(ar * ci + ai * cr, ref qi, (nuint)at);
            }

            return;
        }

        for (int l = 0; l < chunk; l++)
        {
            int b = c0 + l;
            for (int k = 0; k < n; k++)
            {
                float ar = xr[k * chunk + l], ai = xi[k * chunk + l];
                float cr = Unsafe.Add(ref wr, b * n + k), ci = sign * Unsafe.Add(ref wi, b * n + k);
                Unsafe.Add(ref qr, b * n + k) = ar * cr - ai * ci;
                Unsafe.Add(ref qi, b * n + k) = ar * ci + ai * cr;
            }
        }
    }

    private static float[] LocalBuffer(int size)
    {
        float[]? buffer = _local;
        if (buffer is null || buffer.Length < size)
        {
            buffer = new float[size];
            _local = buffer;
        }

        return buffer;
    }

    private static IEnumerable<int> Factorize(int n)
    {
        var radices = new List<int>();
        while (n % 4 == 0) { radices.Add(4); n /= 4; }
        while (n % 2 == 0) { radices.Add(2); n /= 2; }
        for (int p = 3; n > 1; p += 2)
        {
            while (n % p == 0) { radices.Add(p); n /= p; }
            if ((long)p * p > n && n > 1) { radices.Add(n); break; }
        }

        return radices;
    }

    /// <summary>One radix-p pass over a sub-sequence length; holds its twiddles.</summary>
    private sealed class Stage
    {
        private readonly float[] _twRe;
        private readonly float[] _twIm;
        private readonly float[] _rootRe;
        private readonly float[] _rootIm;
        private readonly int _m;

        public Stage(int radix, int length)
        {
            Radix = radix;
            _m = length / radix;
            _twRe = new float[_m * (radix - 1)];
            _twIm = new float[_m * (radix - 1)];
            for (int pi = 0; pi < _m; pi++)
            {
                for (int u = 1; u < radix; u++)
                {
                    double angle = -2.0 * Math.PI * u * pi / length;
                    _twRe[pi * (radix - 1) + u - 1] = (float)Math.Cos(angle);
                    _twIm[pi * (radix - 1) + u - 1] = (float)Math.Sin(angle);
                }
            }

            _rootRe = new float[radix];
            _rootIm = new float[radix];
            for (int k = 0; k < radix; k++)
            {
                double angle = -2.0 * Math.PI * k / radix;
                _rootRe[k] = (float)Math.Cos(angle);
                _rootIm[k] = (float)Math.Sin(angle);
            }
        }

        public int Radix { get; }

        public void Run(Span<float> xr, Span<float> xi, Span<float> yr, Span<float> yi, int s, int batch, bool inverse)
        {
            float sign = inverse ? -1f : 1f;
            switch (Radix)
            {
                case 4:
                    Radix4(xr, xi, yr, yi, s, batch, sign);
                    break;
                case 2:
                    Radix2(xr, xi, yr, yi, s, batch, sign);
                    break;
                default:
                    ref float xR = ref MemoryMarshal.GetReference(xr);
                    ref float xI = ref MemoryMarshal.GetReference(xi);
                    ref float yR = ref MemoryMarshal.GetReference(yr);
                    ref float yI = ref MemoryMarshal.GetReference(yi);
                    int p = Radix;
                    for (int pi = 0; pi < _m; pi++)
                    {
                        for (int q = 0; q < s; q++)
                        {
                            // Rows read: q + s*(pi + r*m); rows written: q + s*(p*pi + u).
                            nuint inRow = (nuint)((q + s * pi) * batch);
                            nuint inStep = (nuint)(s * _m * batch);
                            nuint outRow = (nuint)((q + s * p * pi) * batch);
                            nuint outStep = (nuint)(s * batch);
                            RadixGeneric(ref xR, ref xI, ref yR, ref yI, inRow, inStep, outRow, outStep, batch, pi * (p - 1), sign);
                        }
                    }

                    break;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreTwiddled(ref float yR, ref float yI, nuint at, Vector256<float> re, Vector256<float> im, Vector256<float> wr, Vector256<float> wi)
        {
            Vector256.StoreUnsafe(re * wr - im * wi, ref yR, at);
            Vector256.StoreUnsafe(re * wi + im * wr, ref yI, at);
        }

        private void Radix2(Span<float> xr, Span<float> xi, Span<float> yr, Span<float> yi, int s, int batch, float sign)
        {
            ref float xR = ref MemoryMarshal.GetReference(xr);
            ref float xI = ref MemoryMarshal.GetReference(xi);
            ref float yR = ref MemoryMarshal.GetReference(yr);
            ref float yI = ref MemoryMarshal.GetReference(yi);
            nuint inStep = (nuint)(s * _m * batch), outStep = (nuint)(s * batch), rowLength = (nuint)(s * batch);
            for (int pi = 0; pi < _m; pi++)
            {
                var wr = Vector256.Create(_twRe[pi]);
                var wi = Vector256.Create(sign * _twIm[pi]);
                nuint inRow = (nuint)(s * pi * batch), outRow = (nuint)(s * 2 * pi * batch);

                // The s rows of one pi are contiguous: loop over them and the batch as one run.
                for (nuint b = 0; b < rowLength; b += Lanes)
                {
                    var a0r = Vector256.LoadUnsafe(ref xR, inRow + b);
                    var a0i = Vector256.LoadUnsafe(ref xI, inRow + b);
                    var a1r = Vector256.LoadUnsafe(ref xR, inRow + inStep + b);
                    var a1i = Vector256.LoadUnsafe(ref xI, inRow + inStep + b);
                    Vector256.StoreUnsafe(a0r + a1r, ref yR, outRow + b);
                    Vector256.StoreUnsafe(a0i + a1i, ref yI, outRow + b);
                    StoreTwiddled(ref yR, ref yI, outRow + outStep + b, a0r - a1r, a0i - a1i, wr, wi);
                }
            }
        }

        private void Radix4(Span<float> xr, Span<float> xi, Span<float> yr, Span<float> yi, int s, int batch, float sign)
        {
            ref float xR = ref MemoryMarshal.GetReference(xr);
            ref float xI = ref MemoryMarshal.GetReference(xi);
            ref float yR = ref MemoryMarshal.GetReference(yr);
            ref float yI = ref MemoryMarshal.GetReference(yi);
            nuint inStep = (nuint)(s * _m * batch), outStep = (nuint)(s * batch), rowLength = (nuint)(s * batch);
            var vsign = Vector256.Create(sign);
            for (int pi = 0; pi < _m; pi++)
            {
                int tw = 3 * pi;
                var w1r = Vector256.Create(_twRe[tw]);
                var w1i = Vector256.Create(sign * _twIm[tw]);
                var w2r = Vector256.Create(_twRe[tw + 1]);
                var w2i = Vector256.Create(sign * _twIm[tw + 1]);
                var w3r = Vector256.Create(_twRe[tw + 2]);
                var w3i = Vector256.Create(sign * _twIm[tw + 2]);
                nuint inRow = (nuint)(s * pi * batch), outRow = (nuint)(s * 4 * pi * batch);

                // Rows q + s*pi (q < s) are contiguous, and so are their outputs q + s*4*pi: one run of s*batch lanes.
                for (nuint b = 0; b < rowLength; b += Lanes)
                {
                    var a0r = Vector256.LoadUnsafe(ref xR, inRow + b);
                    var a0i = Vector256.LoadUnsafe(ref xI, inRow + b);
                    var a1r = Vector256.LoadUnsafe(ref xR, inRow + inStep + b);
                    var a1i = Vector256.LoadUnsafe(ref xI, inRow + inStep + b);
                    var a2r = Vector256.LoadUnsafe(ref xR, inRow + 2 * inStep + b);
                    var a2i = Vector256.LoadUnsafe(ref xI, inRow + 2 * inStep + b);
                    var a3r = Vector256.LoadUnsafe(ref xR, inRow + 3 * inStep + b);
                    var a3i = Vector256.LoadUnsafe(ref xI, inRow + 3 * inStep + b);
                    var t0r = a0r + a2r; var t0i = a0i + a2i;
                    var t1r = a0r - a2r; var t1i = a0i - a2i;
                    var t2r = a1r + a3r; var t2i = a1i + a3i;

                    // (a1 - a3) * (-i) forward, * (+i) inverse.
                    var dr = a1r - a3r; var di = a1i - a3i;
                    var t3r = di * vsign; var t3i = -dr * vsign;
                    Vector256.StoreUnsafe(t0r + t2r, ref yR, outRow + b);
                    Vector256.StoreUnsafe(t0i + t2i, ref yI, outRow + b);
                    StoreTwiddled(ref yR, ref yI, outRow + outStep + b, t1r + t3r, t1i + t3i, w1r, w1i);
                    StoreTwiddled(ref yR, ref yI, outRow + 2 * outStep + b, t0r - t2r, t0i - t2i, w2r, w2i);
                    StoreTwiddled(ref yR, ref yI, outRow + 3 * outStep + b, t1r - t3r, t1i - t3i, w3r, w3i);
                }
            }
        }

        private void RadixGeneric(ref float xR, ref float xI, ref float yR, ref float yI, nuint inRow, nuint inStep, nuint outRow, nuint outStep, int batch, int tw, float sign)
        {
            int p = Radix;
            for (nuint b = 0; b < (nuint)batch; b += Lanes)
            {
                for (int u = 0; u < p; u++)
                {
                    var accR = Vector256<float>.Zero;
                    var accI = Vector256<float>.Zero;
                    for (int r = 0; r < p; r++)
                    {
                        int k = (r * u) % p;
                        var cr = Vector256.Create(_rootRe[k]);
                        var ci = Vector256.Create(sign * _rootIm[k]);
                        var ar = Vector256.LoadUnsafe(ref xR, inRow + (nuint)r * inStep + b);
                        var ai = Vector256.LoadUnsafe(ref xI, inRow + (nuint)r * inStep + b);
                        accR += ar * cr - ai * ci;
                        accI += ar * ci + ai * cr;
                    }

                    nuint at = outRow + (nuint)u * outStep + b;
                    if (u == 0)
                    {
                        Vector256.StoreUnsafe(accR, ref yR, at);
                        Vector256.StoreUnsafe(accI, ref yI, at);
                    }
                    else
                    {
                        StoreTwiddled(ref yR, ref yI, at, accR, accI, Vector256.Create(_twRe[tw + u - 1]), Vector256.Create(sign * _twIm[tw + u - 1]));
                    }
                }
            }
        }
    }
}
