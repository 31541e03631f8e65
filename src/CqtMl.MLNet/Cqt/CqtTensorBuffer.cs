using System.Buffers;

namespace CqtMl.MLNet;

/// <summary>
/// One file's CQT tensor as the native engine hands it to the mapping: the first <see cref="Length"/> values of
/// <see cref="Values"/>, an array rented from <see cref="Pool"/> (longer than the tensor) or, from the disk cache, one of
/// exactly that length.
/// </summary>
/// <param name="Values">The array holding the tensor.</param>
/// <param name="Length">The tensor's length.</param>
/// <param name="Rented">Whether <see cref="Values"/> came from <see cref="Pool"/> and goes back to it.</param>
internal readonly record struct CqtTensorBuffer(float[] Values, int Length, bool Rented)
{
    /// <summary>Gets the pool the tensors of consecutive rows share (ML.NET copies each row's tensor out of it).</summary>
    public static ArrayPool<float> Pool => ArrayPool<float>.Shared;

    /// <summary>Gives the array back to the pool when it was rented; nothing may read it afterwards.</summary>
    public void Return()
    {
        if (Rented)
        {
            Pool.Return(Values);
        }
    }
}
