using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Torch;

/// <summary>
/// Tensor arithmetic with scalars that stay alive for the whole native call. TorchSharp's operators (<c>a + b</c>,
/// <c>a * 2.0</c>, <c>a / t</c>) convert numbers to temporary <see cref="Scalar"/> objects and pass only their native
/// handle on; when a garbage collection runs during the call, the finalizer may free the scalar while libtorch reads
/// it, which fails at random with "Expected false to be true ... toFloat" (reproduced in TorchSharp 0.107 with a
/// second thread allocating). Holding each scalar in a <c>using</c> variable closes that race.
/// </summary>
internal static class TensorMath
{
    /// <summary>Returns a + b.</summary>
    public static Tensor Plus(this Tensor a, Tensor b)
    {
        using Scalar one = 1;
        return a.add(b, one);
    }

    /// <summary>Returns a + value.</summary>
    public static Tensor Plus(this Tensor a, double value)
    {
        using Scalar scalar = value;
        using Scalar one = 1;
        return a.add(scalar, one);
    }

    /// <summary>Returns a - b.</summary>
    public static Tensor Minus(this Tensor a, Tensor b)
    {
        using Scalar minusOne = -1;
        return a.add(b, minusOne);
    }

    /// <summary>Returns a * factor.</summary>
    public static Tensor Times(this Tensor a, double factor)
    {
        using Scalar scalar = factor;
        return a.mul(scalar);
    }

    /// <summary>Returns a / divisor.</summary>
    public static Tensor DividedBy(this Tensor a, double divisor)
    {
        using Scalar scalar = divisor;
        return a.div(scalar);
    }
}
