using CqtMl.Torch.Generator;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CqtMl.Torch.Training;

/// <summary>
/// The bfloat16 working copy of a float32 generator for mixed-precision training: each step copies the float32 master
/// weights in, runs forward and backward in bfloat16, and hands back the gradients as float32, clipped, for the
/// optimizer to apply to the master weights (which checkpoints, averaging and export keep using).
/// </summary>
internal sealed class BFloat16Replica : IDisposable
{
    private readonly CqtVisionTransformer _working;
    private readonly Parameter[] _master;
    private readonly Parameter[] _copies;

    /// <exception cref="NotSupportedException"><paramref name="device"/> has no bfloat16 arithmetic.</exception>
    public BFloat16Replica(CqtVisionTransformer master, Device device)
    {
        EnsureSupported(device);
        _working = new CqtVisionTransformer(master.Config);
        _working.to(ScalarType.BFloat16).to(device);
        _working.GradientCheckpointing = master.GradientCheckpointing;
        _master = master.parameters().ToArray();
        _copies = _working.parameters().ToArray();
    }

    /// <summary>Checks that <paramref name="device"/> does bfloat16 arithmetic (CUDA, or a CPU with AVX-512 BF16 or AMX).</summary>
    /// <exception cref="NotSupportedException">It does not.</exception>
    private static void EnsureSupported(Device device)
    {
        if (device.type == DeviceType.CUDA)
        {
            return;
        }

        if (!CpuHasBFloat16(File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : string.Empty))
        {
            throw new NotSupportedException("bfloat16 training needs a CUDA GPU or a CPU with AVX-512 BF16 or AMX (none found); train in float32.");
        }
    }

    /// <summary>Whether a Linux <c>/proc/cpuinfo</c> text lists AVX-512 BF16 or AMX BF16 among the CPU flags.</summary>
    internal static bool CpuHasBFloat16(string cpuinfo) =>
        cpuinfo.Split('\n').Where(line => line.StartsWith("flags", StringComparison.Ordinal))
            .Any(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(flag => flag is "avx512_bf16" or "amx_bf16"));

    /// <summary>Copies the master weights in and returns the bfloat16 model.</summary>
    public CqtVisionTransformer Load()
    {
        using (no_grad())
        {
            for (int i = 0; i < _master.Length; i++)
            {
                _copies[i].copy_(_master[i]);
            }
        }

        return _working;
    }

    /// <summary>The working copy's gradients as float32, scaled together so that their norm is at most <paramref name="clip"/>.</summary>
    /// <returns>One gradient per master parameter (null where none); owned by the caller's dispose scope.</returns>
    public Tensor?[] ClippedGradients(double clip)
    {
        using var noGrad = no_grad();
        Tensor?[] gradients = _copies.Select(p => p.grad?.to(ScalarType.Float32)).ToArray();
        double norm = Math.Sqrt(gradients.Where(g => g is not null).Sum(g => g!.square().sum().item<float>()));
        if (norm > clip)
        {
            using Scalar scale = clip / (norm + 1e-6);
            foreach (Tensor? gradient in gradients)
            {
                gradient?.mul_(scale);
            }
        }

        return gradients;
    }

    public void Dispose() => _working.Dispose();
}
