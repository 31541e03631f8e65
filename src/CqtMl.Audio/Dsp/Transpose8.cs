using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CqtMl.Audio.Dsp;

/// <summary>In-register transpose of an 8 x 8 block of floats (eight 256-bit rows).</summary>
internal static class Transpose8
{
    /// <summary>
    /// Loads rows <c>source[r * sourceStride .. + 8]</c> for r &lt; 8 and stores column c as
    /// <c>destination[c * destinationStride .. + 8]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Block(ref float source, nuint sourceStride, ref float destination, nuint destinationStride)
    {
        var r0 = Vector256.LoadUnsafe(ref source, 0);
        var r1 = Vector256.LoadUnsafe(ref source, sourceStride);
        var r2 = Vector256.LoadUnsafe(ref source, 2 * sourceStride);
        var r3 = Vector256.LoadUnsafe(ref source, 3 * sourceStride);
        var r4 = Vector256.LoadUnsafe(ref source, 4 * sourceStride);
        var r5 = Vector256.LoadUnsafe(ref source, 5 * sourceStride);
        var r6 = Vector256.LoadUnsafe(ref source, 6 * sourceStride);
        var r7 = Vector256.LoadUnsafe(ref source, 7 * sourceStride);
        if (Avx.IsSupported)
        {
            var t0 = Avx.UnpackLow(r0, r1);
            var t1 = Avx.UnpackHigh(r0, r1);
            var t2 = Avx.UnpackLow(r2, r3);
            var t3 = Avx.UnpackHigh(r2, r3);
            var t4 = Avx.UnpackLow(r4, r5);
            var t5 = Avx.UnpackHigh(r4, r5);
            var t6 = Avx.UnpackLow(r6, r7);
            var t7 = Avx.UnpackHigh(r6, r7);
            var s0 = Avx.Shuffle(t0, t2, 0x44);
            var s1 = Avx.Shuffle(t0, t2, 0xEE);
            var s2 = Avx.Shuffle(t1, t3, 0x44);
            var s3 = Avx.Shuffle(t1, t3, 0xEE);
            var s4 = Avx.Shuffle(t4, t6, 0x44);
            var s5 = Avx.Shuffle(t4, t6, 0xEE);
            var s6 = Avx.Shuffle(t5, t7, 0x44);
            var s7 = Avx.Shuffle(t5, t7, 0xEE);
            Vector256.StoreUnsafe(Avx.Permute2x128(s0, s4, 0x20), ref destination, 0);
            Vector256.StoreUnsafe(Avx.Permute2x128(s1, s5, 0x20), ref destination, destinationStride);
            Vector256.StoreUnsafe(Avx.Permute2x128(s2, s6, 0x20), ref destination, 2 * destinationStride);
            Vector256.StoreUnsafe(Avx.Permute2x128(s3, s7, 0x20), ref destination, 3 * destinationStride);
            Vector256.StoreUnsafe(Avx.Permute2x128(s0, s4, 0x31), ref destination, 4 * destinationStride);
            Vector256.StoreUnsafe(Avx.Permute2x128(s1, s5, 0x31), ref destination, 5 * destinationStride);
            Vector256.StoreUnsafe(Avx.Permute2x128(s2, s6, 0x31), ref destination, 6 * destinationStride);
            Vector256.StoreUnsafe(Avx.Permute2x128(s3, s7, 0x31), ref destination, 7 * destinationStride);
            return;
        }

        Span<float> block = stackalloc float[64];
        r0.CopyTo(block); r1.CopyTo(block[8..]); r2.CopyTo(block[16..]); r3.CopyTo(block[24..]);
        r4.CopyTo(block[32..]); r5.CopyTo(block[40..]); r6.CopyTo(block[48..]); r7.CopyTo(block[56..]);
        for (int c = 0; c < 8; c++)
        {
            for (int r = 0; r < 8; r++)
            {
                Unsafe.Add(ref destination, (nint)((nuint)c * destinationStride) + r) = block[r * 8 + c];
            }
        }
    }
}
