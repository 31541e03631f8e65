using System.Globalization;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;
using CqtMl.Onnx.Generation;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Benchmarks;

/// <summary>
/// <c>-- int8 [model-dir audio...]</c>: how far the int8-weight generator is from the float one on this CPU. ONNX
/// Runtime picks its int8 kernels from the CPU flags, so run it natively and under an AVX2-only CPU model (for
/// example <c>qemu-x86_64 -cpu EPYC-Rome</c>, which has AVX2 but neither AVX-512 nor VNNI) to see both paths.
/// Prints the relative L2 of the logits of random-weight models, and, given a trained model folder and audio files,
/// the share of control values on which <c>generator.int8.onnx</c> agrees with <c>generator.onnx</c>.
/// </summary>
internal static class Int8Accuracy
{
    public static void Run(TextWriter output, string[] args)
    {
        output.WriteLine($"CPU: {CpuFlags()}");
        foreach (GeneratorOperators operators in new[] { GeneratorOperators.Fused, GeneratorOperators.Standard })
        {
            torch.manual_seed(12);
            using var model = new CqtVisionTransformer(GeneratorConfig.Demo with { MaxTimeTokens = 64 });
            model.eval();
            using var x = rand(2, 2, 84, 200) * 3;
            float[] input = x.data<float>().ToArray();
            float[] Logits(GeneratorExportOptions options)
            {
                using var session = new InferenceSession(GeneratorOnnxExporter.Export(model, new CqtOptions(), "demo", options));
                using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("cqt", new DenseTensor<float>(input, new[] { 2, 2, 84, 200 })) }, new[] { "logits" });
                return results.First().AsTensor<float>().ToArray();
            }

            float[] reference = Logits(new GeneratorExportOptions { Operators = operators });
            float[] quantized = Logits(new GeneratorExportOptions { Operators = operators, QuantizeWeights = true });
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"random weights, {operators} operators: relative L2 of the int8 logits {RelativeL2(quantized, reference):E2}"));
        }

        if (args.Length >= 2)
        {
            using var float32 = new OnnxControlGenerator(File.ReadAllBytes(Path.Combine(args[0], "generator.onnx")));
            using var int8 = new OnnxControlGenerator(File.ReadAllBytes(Path.Combine(args[0], "generator.int8.onnx")));
            var extractor = new CqtExtractor(new CqtOptions { BinCount = float32.Bins });
            long same = 0, total = 0;
            foreach (string audio in args.Skip(1))
            {
                float[][] channels = AudioDecoder.Decode(audio).ResampledTo(extractor.Options.SampleRate).Channels;
                int frames = extractor.Options.FrameCount(channels[0].Length);
                float[] cqt = extractor.ComputeTensor(channels);
                float[] a = float32.Generate(cqt, 1, frames, new GenerationOptions());
                float[] b = int8.Generate(cqt, 1, frames, new GenerationOptions());
                same += a.Zip(b).Count(p => p.First == p.Second);
                total += a.Length;
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trained model {args[0]}: int8 controls equal float32 on {100.0 * same / total:F2} % of {total} values"));
        }
    }

    private static double RelativeL2(float[] actual, float[] expected)
    {
        double error = 0, norm = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            error += ((double)actual[i] - expected[i]) * ((double)actual[i] - expected[i]);
            norm += (double)expected[i] * expected[i];
        }

        return Math.Sqrt(error / norm);
    }

    private static string CpuFlags()
    {
        // What the CPU reports to this process (CPUID), which is also what ONNX Runtime sees; under an emulator that is
        // the emulated CPU, not the host's /proc/cpuinfo.
        var flags = new List<string>();
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported) flags.Add("avx2");
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported) flags.Add("avx512f");
        if (System.Runtime.Intrinsics.X86.Avx512Vbmi.IsSupported) flags.Add("avx512vbmi");
        if (System.Runtime.Intrinsics.X86.AvxVnni.IsSupported) flags.Add("avx-vnni");
        return flags.Count == 0 ? "no AVX2" : string.Join(' ', flags);
    }
}
