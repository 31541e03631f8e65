using CqtMl.Audio.Decoding;
using CqtMl.Audio.IO;
using CqtMl.Audio.Tests.Support;
using Xunit.Abstractions;

namespace CqtMl.Audio.Tests.Decoding;

/// <summary>
/// Hundreds of damaged variants of real files (truncations, flipped bytes, garbage headers, zeroed runs): every one
/// must either decode completely and consistently or raise <see cref="AudioFormatException"/> naming the file, never
/// another exception, a hang or a short result.
/// </summary>
public class CorruptInputTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-corrupt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task DamagedFilesRaiseOnlyAudioFormatExceptionOrDecodeCompletely()
    {
        var sources = new List<(string Name, byte[] Bytes, int Variants)>
        {
            ("cbr.mp3", File.ReadAllBytes(TestSignal.Asset("click-44k-stereo-cbr.mp3")), 50),
            ("vbr.mp3", File.ReadAllBytes(TestSignal.Asset("click-48k-stereo-vbr.mp3")), 40),
            ("mono.mp3", File.ReadAllBytes(TestSignal.Asset("click-22k-mono.mp3")), 30),
            ("clip.ogg", File.ReadAllBytes(TestSignal.Asset("click-44k-stereo.ogg")), 50),
        };
        string wav = Path.Combine(_dir, "source.wav");
        WavWriter.WriteFloat32(wav, 16000, TestSignal.Create(16000, 2, 1.0));
        sources.Add(("float.wav", File.ReadAllBytes(wav), 40));
        if (SharedData.Root is not null)
        {
            sources.Add(("musicnet.wav", File.ReadAllBytes(SharedData.Path("fixtures", "musicnet", "test_data", "9004.wav"))[..400_000], 20));
            sources.Add(("fma.mp3", File.ReadAllBytes(SharedData.Path("fixtures", "fma", "fma_small", "011", "011684.mp3")), 12));
        }

        int decoded = 0, rejected = 0;
        var random = new Random(20261125);
        foreach (var (name, bytes, variants) in sources)
        {
            for (int v = 0; v < variants; v++)
            {
                (string kind, byte[] damaged) = Damage(bytes, v, random);
                string path = Path.Combine(_dir, $"{v:D3}-{kind}-{name}");
                File.WriteAllBytes(path, damaged);
                Task<bool> attempt = Task.Run(() => TryDecode(path));
                Task finished = await Task.WhenAny(attempt, Task.Delay(TimeSpan.FromSeconds(60)));
                Assert.True(finished == attempt, $"{path}: decoding hung");
                if (await attempt)
                {
                    decoded++;
                }
                else
                {
                    rejected++;
                }

                File.Delete(path);
            }
        }

        output.WriteLine($"{decoded + rejected} variants: {decoded} decoded completely, {rejected} rejected with AudioFormatException");
        Assert.True(decoded + rejected >= 200);
        Assert.True(rejected > 50 && decoded > 20, "both outcomes should occur");
    }

    private static bool TryDecode(string path)
    {
        try
        {
            using AudioReader reader = AudioDecoder.Open(path);
            AudioData audio = reader.ReadAll();
            Assert.InRange(audio.SampleRate, 1, 10_000_000);
            Assert.Equal(reader.FrameCount, audio.FrameCount);
            Assert.All(audio.Channels, c => Assert.True(c.All(float.IsFinite)));
            return true;
        }
        catch (AudioFormatException e)
        {
            Assert.Contains(path, e.Message);
            return false;
        }
    }

    private static (string Kind, byte[] Bytes) Damage(byte[] source, int variant, Random random)
    {
        byte[] copy = (byte[])source.Clone();
        switch (variant % 5)
        {
            case 0:
                // Truncation anywhere, including inside the header.
                int cut = variant < 10 ? new[] { 0, 1, 3, 4, 11, 12, 40, 44, 100, 300 }[variant / 5 * 5 % 10 + variant % 10 / 5] : random.Next(source.Length);
                return ("truncated", copy[..Math.Min(cut, copy.Length)]);
            case 1:
                // A few flipped bytes in the body.
                for (int i = 0; i < 1 + (variant % 4); i++)
                {
                    copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                }

                return ("flipped", copy);
            case 2:
                // One flipped byte in the first 200 bytes (headers).
                copy[random.Next(Math.Min(200, copy.Length))] ^= (byte)(1 + random.Next(255));
                return ("header-flip", copy);
            case 3:
                // Garbage replacing the first bytes.
                int garbage = new[] { 4, 16, 64, 512 }[variant % 4];
                for (int i = 0; i < Math.Min(garbage, copy.Length); i++)
                {
                    copy[i] = (byte)random.Next(256);
                }

                return ("garbage-head", copy);
            default:
                // A zeroed run in the middle.
                int start = random.Next(copy.Length), length = random.Next(1, 2000);
                Array.Clear(copy, start, Math.Min(length, copy.Length - start));
                return ("zeroed", copy);
        }
    }
}
