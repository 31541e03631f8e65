using System.Text.Json;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.IO;
using CqtMl.Audio.Resampling;

namespace CqtMl.Cli.Tests.Commands;

public class CqtCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void StereoFileGivesMagnitudesOfBothChannelsAfterResampling()
    {
        float[] left = Tone(44100, 44100 + 77, 440), right = Tone(44100, 44100 + 77, 1000);
        string wav = Write("stereo.wav", 44100, left, right);
        string npy = Path.Combine(_dir, "out", "stereo.npy");

        var (code, stdout, err) = Cli.Run("cqt", wav, "--out", npy);
        Assert.True(code == 0, err);
        var (shape, data) = Cli.ReadNpy(npy);
        long samples = new Resampler(44100, 22050).OutputLength(left.Length);
        Assert.Equal(new long[] { 2, 84, 1 + (samples / 64) }, shape);
        Assert.Equal($"cqtml cqt: wrote {npy} [2, 84, {shape[2]}] (22050 Hz, hop 64, 344.5 frames/s)", stdout.Trim());

        var extractor = new CqtExtractor();
        float[] expected = extractor.ComputeTensor(new[] { Resampler.Resample(left, 44100, 22050), Resampler.Resample(right, 44100, 22050) });
        Assert.Equal(expected.Length, data.Length);
        for (int i = 0; i < data.Length; i++)
        {
            Assert.Equal(expected[i], data[i], 5);
        }
    }

    [Fact]
    public void MonoFileGivesTwoEqualChannelsWithoutResamplingAtTheTargetRate()
    {
        string wav = Write("mono.wav", 22050, Tone(22050, 30000, 220));
        string npy = Path.Combine(_dir, "mono.npy");
        Assert.Equal(0, Cli.Run("cqt", wav, "--out", npy).Code);
        var (shape, data) = Cli.ReadNpy(npy);
        Assert.Equal(new long[] { 2, 84, 1 + (30000 / 64) }, shape);
        int plane = data.Length / 2;
        Assert.Equal(data[..plane], data[plane..]);
        Assert.Equal(new CqtExtractor().Compute(Tone(22050, 30000, 220)), data[..plane]);
    }

    [Fact]
    public void ComplexChannelsAreRealAndImaginaryPartsOfTheMonoMix()
    {
        float[] left = Tone(16000, 20000, 300), right = Tone(16000, 20000, 500);
        string wav = Write("complex.wav", 16000, left, right);
        string npy = Path.Combine(_dir, "complex.npy");
        var (code, _, err) = Cli.Run("cqt", wav, "--out", npy, "--channels", "complex", "--sample-rate", "16000", "--hop-length", "100", "--bins", "48", "--bins-per-octave", "24", "--fmin", "65.4");
        Assert.True(code == 0, err);
        var (shape, data) = Cli.ReadNpy(npy);
        Assert.Equal(new long[] { 2, 48, 1 + (20000 / 100) }, shape);
        var options = new CqtOptions { SampleRate = 16000, HopLength = 100, BinCount = 48, BinsPerOctave = 24, FMin = 65.4, Output = CqtOutput.Complex };
        float[] interleaved = new CqtExtractor(options).Compute(left.Zip(right, (a, b) => (a + b) / 2).ToArray());
        int plane = data.Length / 2;
        for (int i = 0; i < plane; i++)
        {
            Assert.Equal(interleaved[2 * i], data[i], 5);
            Assert.Equal(interleaved[(2 * i) + 1], data[plane + i], 5);
        }
    }

    [Fact]
    public void TimingsPrintOneJsonLineAndPngIsWritten()
    {
        string wav = Write("timed.wav", 22050, Tone(22050, 22050 * 3, 440));
        string npy = Path.Combine(_dir, "timed.npy"), png = Path.Combine(_dir, "timed.png");
        var (code, stdout, err) = Cli.Run("cqt", wav, "--out", npy, "--png", png, "--timings", "--repeat", "3");
        Assert.True(code == 0, err);
        string line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using JsonDocument json = JsonDocument.Parse(line);
        double audio = json.RootElement.GetProperty("audio_seconds").GetDouble();
        double cqt = json.RootElement.GetProperty("cqt_seconds").GetDouble();
        Assert.Equal(3.0, audio, 6);
        Assert.True(json.RootElement.GetProperty("decode_seconds").GetDouble() >= 0);
        // The factor is printed to 0.01 (error <= 0.005) and cqt_seconds to 1e-6 s (relative error <= 5e-7 / cqt).
        double factor = json.RootElement.GetProperty("realtime_factor").GetDouble(), expected = audio / cqt;
        double tolerance = 0.005 + (expected * 5e-7 / cqt) + 1e-9;
        Assert.InRange(factor, expected - tolerance, expected + tolerance);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);
        Assert.Equal(new long[] { 2, 84, 1 + (22050 * 3 / 64) }, Cli.ReadNpy(npy).Shape);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--channels", "surround")]
    [InlineData("--fmin", "5000")]
    [InlineData("--hop-length", "0")]
    [InlineData("--bins", "abc")]
    [InlineData("--repeat", "0")]
    public void BadUsageExitsWithTwoAndOneLine(params string[] extra)
    {
        string wav = Write("usage.wav", 22050, Tone(22050, 1000, 440));
        string npy = Path.Combine(_dir, "usage.npy");
        var (code, _, err) = Cli.Run(new[] { "cqt", wav, "--out", npy }.Concat(extra).ToArray());
        Assert.Equal(2, code);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("cqtml: error:", err);
        Assert.False(File.Exists(npy));
    }

    [Fact]
    public void MissingOutIsBadUsage()
    {
        Assert.Equal(2, Cli.Run("cqt", "whatever.wav").Code);
    }

    [Fact]
    public void MissingOrCorruptInputExitsWithOneNamingTheFileWithoutStackTrace()
    {
        string missing = Path.Combine(_dir, "missing.mp3");
        var (code, _, err) = Cli.Run("cqt", missing, "--out", Path.Combine(_dir, "x.npy"));
        Assert.Equal(1, code);
        Assert.Contains("missing.mp3", err);
        Assert.Contains("file not found", err);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        string corrupt = Path.Combine(_dir, "corrupt.wav");
        File.WriteAllBytes(corrupt, "RIFF\u0010\0\0\0WAVEjunkjunkjunk"u8.ToArray());
        string existing = Path.Combine(_dir, "existing.npy");
        File.WriteAllText(existing, "keep me");
        (code, _, err) = Cli.Run("cqt", corrupt, "--out", existing);
        Assert.Equal(1, code);
        Assert.Contains("corrupt.wav", err);
        Assert.DoesNotContain("   at ", err);
        Assert.Equal("keep me", File.ReadAllText(existing));

        (code, _, err) = Cli.Run("cqt", corrupt, "--out", existing, "--verbose");
        Assert.Equal(1, code);
        Assert.Contains("   at ", err);
    }

    private string Write(string name, int rate, params float[][] channels)
    {
        string path = Path.Combine(_dir, name);
        WavWriter.WriteFloat32(path, rate, channels);
        return path;
    }

    private static float[] Tone(int rate, int length, double frequency) =>
        Enumerable.Range(0, length).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * frequency * i / rate) * Math.Min(1, i / 2000.0))).ToArray();
}
