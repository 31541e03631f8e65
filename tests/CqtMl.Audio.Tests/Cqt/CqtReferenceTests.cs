using System.Text.Json;
using CqtMl.Audio.Cqt;

namespace CqtMl.Audio.Tests.Cqt;

/// <summary>The CQT against the float64-exact evaluation of librosa's definition in ../shared/reference/cqt.</summary>
public class CqtReferenceTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    public static IEnumerable<object[]> Cases() => new[]
    {
        new object[] { "default", "chord" }, new object[] { "default", "music" }, new object[] { "default", "sine440" },
        new object[] { "bpo24", "chord" },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void MagnitudeMatchesIdealReference(string parameterSet, string name)
    {
        SharedData.SkipIfMissing();
        var (options, signal, shape) = Load(parameterSet, name);
        float[] actual = new CqtExtractor(options).Compute(signal);
        float[] expected = Metrics.ReadFloats(SharedData.Path("reference", "cqt", "cases", parameterSet, name + ".ideal_mag.f32"));
        Assert.Equal(shape[0] * shape[1], actual.Length);
        double error = Metrics.RelativeL2(actual, expected);
        double librosa = Metrics.RelativeL2(Metrics.ReadFloats(SharedData.Path("reference", "cqt", "cases", parameterSet, name + ".librosa_mag.f32")), expected);
        output.WriteLine($"{parameterSet}/{name}: magnitude relative L2 {error:E2} (librosa {librosa:E2})");
        Assert.True(error <= Tolerance, $"{parameterSet}/{name}: relative L2 {error:E3} > {Tolerance:E0}");
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void ComplexMatchesIdealReference(string parameterSet, string name)
    {
        SharedData.SkipIfMissing();
        var (options, signal, _) = Load(parameterSet, name);
        float[] actual = new CqtExtractor(options with { Output = CqtOutput.Complex }).Compute(signal);
        float[] expected = Metrics.ReadFloats(SharedData.Path("reference", "cqt", "cases", parameterSet, name + ".ideal_complex.f32"));
        double error = Metrics.RelativeL2(actual, expected);
        output.WriteLine($"{parameterSet}/{name}: complex relative L2 {error:E2}");
        Assert.True(error <= Tolerance, $"{parameterSet}/{name}: complex relative L2 {error:E3} > {Tolerance:E0}");
    }

    [SkippableFact]
    public void IsCloserToTheDefinitionThanLibrosa()
    {
        SharedData.SkipIfMissing();
        var (options, signal, _) = Load("default", "music");
        float[] actual = new CqtExtractor(options).Compute(signal);
        float[] ideal = Metrics.ReadFloats(SharedData.Path("reference", "cqt", "cases", "default", "music.ideal_mag.f32"));
        float[] librosa = Metrics.ReadFloats(SharedData.Path("reference", "cqt", "cases", "default", "music.librosa_mag.f32"));
        double ours = Metrics.RelativeL2(actual, ideal), theirs = Metrics.RelativeL2(librosa, ideal);
        Assert.True(ours * 100 < theirs, $"ours {ours:E3}, librosa {theirs:E3}");
    }

    internal static (CqtOptions Options, float[] Signal, int[] Shape) Load(string parameterSet, string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(SharedData.Path("reference", "cqt", "cases", parameterSet, name + ".json")));
        JsonElement p = json.RootElement.GetProperty("params");
        var options = new CqtOptions
        {
            SampleRate = p.GetProperty("sr").GetInt32(),
            HopLength = p.GetProperty("hop_length").GetInt32(),
            FMin = p.GetProperty("fmin").GetDouble(),
            BinCount = p.GetProperty("n_bins").GetInt32(),
            BinsPerOctave = p.GetProperty("bins_per_octave").GetInt32(),
        };
        string signalFile = json.RootElement.GetProperty("signal").GetProperty("file").GetString()!;
        float[] signal = Metrics.ReadFloats(SharedData.Path("reference", "cqt", signalFile));
        int[] shape = json.RootElement.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        return (options, signal, shape);
    }
}
