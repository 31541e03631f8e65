using System.Runtime.Intrinsics.X86;
using CqtMl.Audio.IO;

namespace CqtMl.Tests.Shared;

/// <summary>
/// Runs ONNX Runtime on an emulated AVX2-only x86-64 CPU (QEMU's user-mode emulator with its <c>EPYC-Rome</c> model:
/// AVX2 and FMA, neither AVX-512 nor any VNNI), so that a test on an AVX-512/VNNI machine also exercises the kernels
/// MLAS picks on AVX2-only CPUs. Needs <c>qemu-x86_64</c> (Debian: qemu-user) and tests/CqtMl.Onnx.Runner built
/// beside the test project.
/// </summary>
public static class EmulatedCpu
{
    /// <summary>QEMU's CPU model: AMD Zen 2, AVX2 without AVX-512 or VNNI.</summary>
    public const string Avx2Model = "EPYC-Rome";

    public const string MissingReason = "qemu-x86_64 is not installed (Debian: apt-get install qemu-user), so the AVX2-only CPU cannot be emulated.";

    /// <summary>Gets the emulator's path, or null.</summary>
    public static string? Qemu => new[] { "/usr/bin/qemu-x86_64", "/usr/local/bin/qemu-x86_64" }.FirstOrDefault(File.Exists);

    /// <summary>Gets a value indicating whether this CPU itself has AVX-512 or VNNI (otherwise it runs the AVX2 kernels natively).</summary>
    public static bool HostHasWiderIntegerKernels => Avx512BW.IsSupported || AvxVnni.IsSupported;

    /// <summary>
    /// Runs <paramref name="model"/> on the emulated AVX2-only CPU: feeds <paramref name="values"/> (shape
    /// <paramref name="shape"/>) to input <paramref name="inputName"/> and returns output <paramref name="outputName"/>.
    /// </summary>
    public static float[] Run(byte[] model, string inputName, float[] values, long[] shape, string outputName)
    {
        string qemu = Qemu ?? throw new InvalidOperationException(MissingReason);
        string dir = Directory.CreateTempSubdirectory("cqtml-avx2-").FullName;
        try
        {
            string modelPath = Path.Combine(dir, "model.onnx"), input = Path.Combine(dir, "input.npy"), output = Path.Combine(dir, "output.npy");
            File.WriteAllBytes(modelPath, model);
            NpyWriter.WriteAll(input, values, shape);
            string[] args = { "-cpu", Avx2Model, ResolveDotnet(), RunnerPath(), modelPath, inputName, input, outputName, output };

            // The emulator itself occasionally dies with a segmentation fault in the .NET runtime's start-up (a QEMU
            // user-mode limitation, not the model): try up to three times, and report every failure if all fail.
            var failures = new List<string>();
            for (int attempt = 0; attempt < 3; attempt++)
            {
                var (code, text) = ChildProcess.Run(qemu, args, TimeSpan.FromMinutes(5));
                if (code == 0 && File.Exists(output))
                {
                    return NpyReader.ReadAll(output).Values;
                }

                failures.Add($"exit {code}: {string.Join(" | ", text.Split('\n').Where(l => l.Length > 0 && !l.Contains("TCG doesn't support", StringComparison.Ordinal)).Take(5))}");
            }

            throw new InvalidOperationException($"The emulated run failed three times: {string.Join("; ", failures)}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string ResolveDotnet()
    {
        // The real executable (not a symlink), which QEMU loads as the guest program.
        string? root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        foreach (string candidate in new[] { root is null ? string.Empty : Path.Combine(root, "dotnet"), "/usr/share/dotnet/dotnet", "/usr/lib/dotnet/dotnet", "/usr/bin/dotnet" })
        {
            if (candidate.Length > 0 && File.Exists(candidate))
            {
                return new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
            }
        }

        throw new InvalidOperationException("The dotnet executable was not found.");
    }

    private static string RunnerPath()
    {
        // tests/<project>/bin/<configuration>/net10.0 -> tests/CqtMl.Onnx.Runner/bin/<configuration>/net10.0
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string runner = Path.Combine(testBin.Parent!.Parent!.Parent!.Parent!.FullName, "CqtMl.Onnx.Runner", "bin", testBin.Parent.Name, testBin.Name, "CqtMl.Onnx.Runner.dll");
        return File.Exists(runner) ? runner : throw new FileNotFoundException($"{runner} is missing: build tests/CqtMl.Onnx.Runner.", runner);
    }
}
