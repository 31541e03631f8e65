using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Cqt;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace CqtMl.Onnx.Tests.Cqt;

public class CqtOnnxModelTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData("default", "music", 22050, 64, 84, 12)]
    [InlineData("default", "chord", 22050, 64, 84, 12)]
    [InlineData("default", "sine440", 22050, 64, 84, 12)]
    [InlineData("bpo24", "chord", 22050, 128, 168, 24)]
    public void MatchesTheIdealReference(string set, string name, int sr, int hop, int bins, int bpo)
    {
        SharedData.SkipIfMissing();
        float[] y = Metrics.ReadFloats(SharedData.Path("reference", "cqt", "signals", $"{name}_sr{sr}.f32"));
        var options = new CqtOptions { SampleRate = sr, HopLength = hop, BinCount = bins, BinsPerOctave = bpo };
        float[] magnitude = Run(CqtOnnxModel.Build(options), y, out int[] shape);
        int plane = bins * (1 + (y.Length / hop));
        Assert.Equal(new[] { 2, bins, 1 + (y.Length / hop) }, shape);
        float[] idealMag = Metrics.ReadFloats(SharedData.Path("reference", "cqt", "cases", set, name + ".ideal_mag.f32"));
        double magError = Metrics.RelativeL2(magnitude.AsSpan(0, plane), idealMag);
        Assert.Equal(magnitude[..plane], magnitude[plane..]);

        float[] complex = Run(CqtOnnxModel.Build(options with { Channels = CqtChannels.Complex }), y, out _);
        float[] idealComplex = Metrics.ReadFloats(SharedData.Path("reference", "cqt", "cases", set, name + ".ideal_complex.f32"));
        var interleaved = new float[2 * plane];
        for (int i = 0; i < plane; i++)
        {
            interleaved[2 * i] = complex[i];
            interleaved[(2 * i) + 1] = complex[plane + i];
        }

        double complexError = Metrics.RelativeL2(interleaved, idealComplex);
        output.WriteLine($"{set}/{name}: magnitude {magError:E2}, complex {complexError:E2}");
        Assert.True(magError <= 1e-4, $"magnitude relative L2 {magError:E3}");
        Assert.True(complexError <= 1e-4, $"complex relative L2 {complexError:E3}");
    }

    internal static float[] Run(byte[] model, float[] pcm, out int[] shape)
    {
        using var session = new InferenceSession(model);
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("pcm", new DenseTensor<float>(pcm, new[] { 1, pcm.Length })) });
        var tensor = results.First().AsTensor<float>();
        shape = tensor.Dimensions.ToArray();
        return tensor.ToArray();
    }
}
