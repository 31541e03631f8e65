using TorchSharp;

namespace CqtMl.Torch;

/// <summary>
/// Facts about the TorchSharp runtime this process loaded: the device models train on and whether CUDA is usable.
/// </summary>
public static class TorchRuntime
{
    /// <summary>Gets a value indicating whether TorchSharp reports a usable CUDA device.</summary>
    public static bool IsCudaAvailable => torch.cuda.is_available();

    /// <summary>
    /// Gets the device training uses by default: the first CUDA device when TorchSharp reports one, otherwise the CPU.
    /// </summary>
    public static torch.Device DefaultDevice => IsCudaAvailable ? torch.CUDA : torch.CPU;

    /// <summary>Gets a one-line description of the loaded runtime, for logs.</summary>
    /// <returns>For example <c>TorchSharp 0.107.0, libtorch CPU, 2 threads</c>.</returns>
    public static string Describe()
    {
        string version = typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "?";
        string device = IsCudaAvailable ? $"CUDA ({torch.cuda.device_count()} device(s))" : "CPU";
        return $"TorchSharp {version}, libtorch {device}, {torch.get_num_threads()} threads";
    }
}
