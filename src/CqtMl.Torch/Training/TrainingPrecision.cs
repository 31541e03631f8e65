namespace CqtMl.Torch.Training;

/// <summary>The number format of the training forward and backward passes.</summary>
public enum TrainingPrecision
{
    /// <summary>Everything in float32. The default, and what the CPU uses unless asked otherwise.</summary>
    Float32 = 0,

    /// <summary>
    /// Mixed precision: forward and backward passes in bfloat16 on a working copy of the model, float32 master weights,
    /// gradients (clipped in float32) and optimizer state. bfloat16 keeps float32's exponent range, so no loss scaling
    /// is needed. Needs a device with bfloat16 arithmetic: a CUDA GPU, or a CPU with AVX-512 BF16 or AMX.
    /// </summary>
    BFloat16 = 1,
}
