namespace CqtMl.Onnx.Tests;

public static class SharedData
{
    public const string MissingReason = "../shared (reference data) is not present next to this checkout; set CQTML_SHARED to its path to run this test.";

    private static readonly Lazy<string?> RootPath = new(() =>
    {
        string? env = Environment.GetEnvironmentVariable("CQTML_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(Path.Combine(env, "reference")))
        {
            return env;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "reference")))
            {
                return candidate;
            }
        }

        return null;
    });

    public static string Path_(params string[] parts) => Path.Combine(new[] { RootPath.Value ?? throw new InvalidOperationException(MissingReason) }.Concat(parts).ToArray());

    public static void SkipIfMissing() => Skip.If(RootPath.Value is null, MissingReason);

    public static float[] ReadFloats(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, values.Length * 4);
        return values;
    }

    public static double RelativeL2(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double error = 0, norm = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = (double)actual[i] - expected[i];
            error += d * d;
            norm += (double)expected[i] * expected[i];
        }

        return Math.Sqrt(error / norm);
    }
}
