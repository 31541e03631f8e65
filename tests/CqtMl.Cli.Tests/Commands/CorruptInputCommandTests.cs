using System.Buffers.Binary;
using System.Diagnostics;
using CqtMl.Audio.IO;
using Xunit.Abstractions;

namespace CqtMl.Cli.Tests.Commands;

/// <summary>
/// A seeded corruption run of <c>cqtml cqt</c> (WAV, MP3, Ogg, FLAC) and <c>cqtml generate</c> (ONNX models):
/// truncations, flipped bytes and absurd header fields. Every run must either succeed with a valid, finite output or
/// exit 1 with one line that names the file; a pre-existing <c>--out</c> file survives a failed run and no temporary
/// file is left behind; nothing hangs.
/// </summary>
public class CorruptInputCommandTests(ITestOutputHelper output) : IDisposable
{
    private const string Previous = "previous content";
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void CorruptedAudioFilesGiveAValidOutputOrOneLineNamingTheFile()
    {
        var sources = new List<(string Name, byte[] Bytes, int[] HeaderFields)>
        {
            ("wav", MakeWav(), new[] { 4, 16, 22, 24, 28, 32, 34, 40 }),
            ("mp3", File.ReadAllBytes(Asset("click-44k-stereo-cbr.mp3")), new[] { 0, 6, 40, 150 }),
            ("ogg", File.ReadAllBytes(Asset("click-44k-stereo.ogg")), new[] { 6, 18, 40, 47, 55 }),
        };
        if (MakeFlac() is byte[] flac)
        {
            sources.Add(("flac", flac, new[] { 8, 18, 22, 26 }));
        }
        else
        {
            output.WriteLine("ffmpeg is not on the PATH: no FLAC variants");
        }

        var random = new Random(20261129);
        int succeeded = 0, rejected = 0;
        foreach (var (name, bytes, fields) in sources)
        {
            for (int v = 0; v < 24; v++)
            {
                string input = Path.Combine(_dir, $"{v:D2}.{name}");
                File.WriteAllBytes(input, Damage(bytes, fields, v, random));
                string target = Path.Combine(_dir, $"{v:D2}-{name}.npy");
                File.WriteAllText(target, Previous);
                (int code, string stderr) = RunWithTimeout("cqt", input, "--out", target);
                if (Check(code, stderr, input, target))
                {
                    (long[] shape, float[] values) = NpyReader.ReadAll(target);
                    Assert.Equal(new long[] { 2, 84 }, shape[..2]);
                    Assert.True(values.All(float.IsFinite), $"{input}: non-finite CQT values");
                    succeeded++;
                }
                else
                {
                    rejected++;
                }
            }
        }

        output.WriteLine($"{succeeded} variants transformed, {rejected} rejected with one line naming the file");
        Assert.True(rejected > 20, $"only {rejected} variants rejected");
    }

    [Fact]
    public void CorruptedGeneratorModelsGiveOneLineNamingTheModel()
    {
        string wav = Path.Combine(_dir, "a.wav");
        WavWriter.WriteFloat32(wav, 22050, Enumerable.Range(0, 6000).Select(i => 0.2f * MathF.Sin(i * 0.05f)).ToArray());
        TorchSharp.torch.manual_seed(3);
        using var model = new CqtMl.Torch.Generator.CqtVisionTransformer(CqtMl.Torch.Generator.GeneratorConfig.Demo with { Depth = 1 });
        byte[] onnx = CqtMl.Torch.Export.GeneratorOnnxExporter.Export(model, new CqtMl.Audio.Cqt.CqtOptions(), "demo");
        var random = new Random(7);
        int rejected = 0;
        for (int v = 0; v < 16; v++)
        {
            byte[] damaged = (byte[])onnx.Clone();
            switch (v % 4)
            {
                case 0:
                    damaged = damaged[..random.Next(damaged.Length)];
                    break;
                case 1:
                    for (int i = 0; i < 8; i++)
                    {
                        damaged[random.Next(damaged.Length)] ^= (byte)(1 + random.Next(255));
                    }

                    break;
                case 2:
                    damaged[random.Next(Math.Min(400, damaged.Length))] ^= 0xFF;
                    break;
                default:
                    random.NextBytes(damaged.AsSpan(0, 64));
                    break;
            }

            string modelPath = Path.Combine(_dir, $"model-{v:D2}.onnx"), target = Path.Combine(_dir, $"controls-{v:D2}.npy");
            File.WriteAllBytes(modelPath, damaged);
            File.WriteAllText(target, Previous);
            (int code, string stderr) = RunWithTimeout("generate", wav, "--model", modelPath, "--out", target);
            if (!Check(code, stderr, modelPath, target))
            {
                rejected++;
            }
        }

        output.WriteLine($"{rejected} of 16 damaged models rejected");
        Assert.True(rejected >= 8, $"only {rejected} damaged models rejected");
    }

    [Fact]
    public void AModelWhoseMetadataDisagreesWithItsGraphIsRejected()
    {
        string wav = Path.Combine(_dir, "a.wav");
        WavWriter.WriteFloat32(wav, 22050, new float[3000]);
        using var model = new CqtMl.Torch.Generator.CqtVisionTransformer(CqtMl.Torch.Generator.GeneratorConfig.Demo with { Depth = 1 });
        byte[] onnx = CqtMl.Torch.Export.GeneratorOnnxExporter.Export(model, new CqtMl.Audio.Cqt.CqtOptions(), "demo");

        // Same-length edit of the metadata value "84" (bins) to "96": the graph still takes 84 bins.
        byte[] edited = ReplaceMetadataValue(onnx, "bins", "84", "96");
        string path = Path.Combine(_dir, "lying.onnx"), target = Path.Combine(_dir, "x.npy");
        File.WriteAllBytes(path, edited);
        var (code, _, err) = Cli.Run("generate", wav, "--model", path, "--out", target);
        Assert.Equal(1, code);
        Assert.StartsWith($"cqtml: error: {path}: ", err);
        Assert.Contains("'cqt'", err);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void OutputPathsThatNameFoldersFailBeforeAnyWorkAndLeaveNothing()
    {
        string wav = Path.Combine(_dir, "a.wav");
        WavWriter.WriteFloat32(wav, 22050, new float[3000]);
        string folder = Directory.CreateDirectory(Path.Combine(_dir, "folder")).FullName;
        string target = Path.Combine(_dir, "kept.npy");
        File.WriteAllText(target, Previous);
        foreach (string[] args in new[]
        {
            new[] { "cqt", wav, "--out", folder },
            new[] { "cqt", wav, "--out", Path.Combine(_dir, "new") + "/" },
            new[] { "cqt", wav, "--out", target, "--png", folder },
            new[] { "cqt", wav, "--out", target, "--png", "/proc/cqtml-test.png" },
        })
        {
            var (code, _, err) = Cli.Run(args);
            Assert.True(code == 1, $"{string.Join(' ', args)}: exit {code}, {err}");
            Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.DoesNotContain(AtomicFile.TemporaryExtension, err);
        }

        Assert.Equal(Previous, File.ReadAllText(target));
        Assert.False(Directory.Exists(Path.Combine(_dir, "new")));
        Assert.Empty(Directory.GetFiles(_dir, "*" + AtomicFile.TemporaryExtension, SearchOption.AllDirectories));
    }

    [Fact]
    public void TemporaryFilesOfAKilledRunAreSweptByTheNextRun()
    {
        string wav = Path.Combine(_dir, "a.wav");
        WavWriter.WriteFloat32(wav, 22050, new float[3000]);
        string target = Path.Combine(_dir, "out.npy");

        // A temporary file of the project's pattern whose process no longer exists (PIDs are below 2^22 on Linux).
        string stale = Path.Combine(_dir, $".out.npy.{(1 << 22) + 17}-0123456789abcdef{AtomicFile.TemporaryExtension}");
        File.WriteAllBytes(stale, new byte[128]);
        Assert.Equal(0, Cli.Run("cqt", wav, "--out", target).Code);
        Assert.False(File.Exists(stale));
    }

    [Theory]
    [InlineData("--fmin", "1e-300")]
    [InlineData("--fmin", "1,5")]
    [InlineData("--hop-length", "2147483647")]
    [InlineData("--sample-rate", "2147483647")]
    [InlineData("--bins", "99999999999")]
    public void AbsurdNumbersAreUsageErrorsNamingTheOption(string option, string value)
    {
        string wav = Path.Combine(_dir, "a.wav");
        WavWriter.WriteFloat32(wav, 22050, new float[3000]);
        var (code, _, err) = Cli.Run("cqt", wav, "--out", Path.Combine(_dir, "x.npy"), option, value);
        Assert.Equal(2, code);
        Assert.Contains(option, err);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void SampleCountErrorsNameTheSamplesFlag()
    {
        foreach (string samples in new[] { "0", "2147483647" })
        {
            var (code, _, err) = Cli.Run("generate", "a.wav", "--model", "m.onnx", "--out", "x.npy", "--samples", samples);
            Assert.Equal(2, code);
            Assert.Contains("--samples:", err);
        }
    }

    /// <summary>Checks the contract; returns true when the run succeeded.</summary>
    private static bool Check(int code, string stderr, string input, string target)
    {
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(code is 0 or 1, $"{input}: exit {code}: {stderr}");
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(target)!, "*" + AtomicFile.TemporaryExtension));
        if (code == 0)
        {
            Assert.All(lines, l => Assert.StartsWith("cqtml: warning: ", l));
            return true;
        }

        string error = Assert.Single(lines, l => !l.StartsWith("cqtml: warning: ", StringComparison.Ordinal));
        Assert.StartsWith($"cqtml: error: {input}: ", error);
        Assert.Equal(Previous, File.ReadAllText(target));
        return false;
    }

    private static (int Code, string Stderr) RunWithTimeout(params string[] args)
    {
        Task<(int Code, string Out, string Err)> run = Task.Run(() => Cli.Run(args));
        Assert.True(run.Wait(TimeSpan.FromSeconds(30)), $"{string.Join(' ', args)}: no answer after 30 s");
        return (run.Result.Code, run.Result.Err);
    }

    private static byte[] Damage(byte[] source, int[] headerFields, int variant, Random random)
    {
        byte[] copy = (byte[])source.Clone();
        switch (variant % 4)
        {
            case 0:
                return copy[..random.Next(copy.Length)];
            case 1:
                for (int i = 0; i < 1 + (variant % 5); i++)
                {
                    copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                }

                return copy;
            case 2:
                // An absurd value in a header field: 0, 1, -1, 2^31 - 1 or a huge prime.
                int at = headerFields[random.Next(headerFields.Length)];
                int[] values = { 0, 1, -1, int.MaxValue, 9_999_991 };
                BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(Math.Min(at, copy.Length - 4)), values[random.Next(values.Length)]);
                return copy;
            default:
                int start = random.Next(copy.Length);
                Array.Clear(copy, start, Math.Min(random.Next(1, 4096), copy.Length - start));
                return copy;
        }
    }

    private byte[] MakeWav()
    {
        string path = Path.Combine(_dir, "source.wav");
        float[] left = Enumerable.Range(0, 22050).Select(i => 0.3f * MathF.Sin(i * 0.07f)).ToArray();
        WavWriter.WriteFloat32(path, 44100, left, left.Reverse().ToArray());
        return File.ReadAllBytes(path);
    }

    private byte[]? MakeFlac()
    {
        if (!CqtMl.Audio.Decoding.FfmpegReader.IsAvailable)
        {
            return null;
        }

        string wav = Path.Combine(_dir, "flac-source.wav"), flac = Path.Combine(_dir, "source.flac");
        File.WriteAllBytes(wav, MakeWav());
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[] { "-nostdin", "-v", "error", "-i", wav, "-c:a", "flac", "-sample_fmt", "s16", "-y", flac })
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode == 0 ? File.ReadAllBytes(flac) : null;
    }

    private static byte[] ReplaceMetadataValue(byte[] model, string key, string from, string to)
    {
        byte[] pattern = System.Text.Encoding.ASCII.GetBytes(key).Concat(new byte[] { 0x12, (byte)from.Length }).Concat(System.Text.Encoding.ASCII.GetBytes(from)).ToArray();
        int at = model.AsSpan().IndexOf(pattern);
        Assert.True(at >= 0, $"metadata {key}={from} not found");
        byte[] copy = (byte[])model.Clone();
        System.Text.Encoding.ASCII.GetBytes(to).CopyTo(copy, at + key.Length + 2);
        return copy;
    }

    private static string Asset(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "CqtMl.Audio.Tests", "Assets", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("test asset not found above " + AppContext.BaseDirectory, name);
    }
}
