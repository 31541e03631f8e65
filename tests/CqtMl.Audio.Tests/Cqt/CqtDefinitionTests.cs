using CqtMl.Audio.Cqt;
using CqtMl.Audio.Tests.Support;
using Xunit.Abstractions;

namespace CqtMl.Audio.Tests.Cqt;

/// <summary>The CQT against an independent float64 evaluation of the definition, on parameter sets beyond the shared ones.</summary>
public class CqtDefinitionTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    public static IEnumerable<object[]> ParameterSets() => new[]
    {
        // sr, hop, fmin, bins, bins per octave, signal
        new object[] { 22050, 64, CqtOptions.C1, 84, 12, "noise" },
        new object[] { 22050, 100, 55.0, 60, 12, "music" },
        new object[] { 16000, 37, 40.0, 72, 24, "noise" },
        new object[] { 44100, 441, 27.5, 88, 12, "music" },
        new object[] { 22050, 512, 65.4, 36, 7, "noise" },
        new object[] { 8000, 80, 200.0, 50, 36, "music" },
        new object[] { 22050, 97, 1000.0, 40, 12, "noise" },
        new object[] { 22050, 1, 500.0, 4, 12, "noise" },

        // A strong tone above the top bin (255 Hz) with weak noise: the bins consist mostly of the tone's leakage.
        new object[] { 16000, 100, 65.4, 48, 24, "tone-above" },
    };

    [Theory]
    [MemberData(nameof(ParameterSets))]
    public void MatchesTheDefinition(int sr, int hop, double fmin, int bins, int bpo, string kind)
    {
        int length = hop == 1 ? 600 : sr / 2 + 123;
        float[] y = kind switch
        {
            "noise" => Signals.WhiteNoise(length, sr + hop),
            "tone-above" => Signals.WhiteNoise(length, 1, 0.05f).Select((v, i) => v + (float)(0.5 * Math.Sin(2 * Math.PI * 440 * i / sr))).ToArray(),
            _ => Signals.Music(length, sr, hop),
        };
        var options = new CqtOptions { SampleRate = sr, HopLength = hop, FMin = fmin, BinCount = bins, BinsPerOctave = bpo, Output = CqtOutput.Complex };
        float[] actual = new CqtExtractor(options).Compute(y);
        var (re, im) = DirectCqt.Compute(y, sr, hop, fmin, bins, bpo);

        double err = 0, norm = 0, magErr = 0;
        for (int i = 0; i < re.Length; i++)
        {
            double dr = actual[2 * i] - re[i], di = actual[2 * i + 1] - im[i];
            err += dr * dr + di * di;
            norm += re[i] * re[i] + im[i] * im[i];
            double dm = Math.Sqrt((double)actual[2 * i] * actual[2 * i] + (double)actual[2 * i + 1] * actual[2 * i + 1]) - Math.Sqrt(re[i] * re[i] + im[i] * im[i]);
            magErr += dm * dm;
        }

        double complexError = Math.Sqrt(err / norm), magnitudeError = Math.Sqrt(magErr / norm);
        output.WriteLine($"complex {complexError:E2}, magnitude {magnitudeError:E2}");
        Assert.True(complexError <= Tolerance, $"complex relative L2 {complexError:E3}");
        Assert.True(magnitudeError <= Tolerance, $"magnitude relative L2 {magnitudeError:E3}");
    }
}
