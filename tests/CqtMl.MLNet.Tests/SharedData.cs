namespace CqtMl.MLNet.Tests;

/// <summary>Locates ../shared (or CQTML_SHARED); tests needing it skip with this reason when it is absent.</summary>
public static class SharedData
{
    public const string MissingReason = "../shared (real-format fixtures) is not present next to this checkout; set CQTML_SHARED to its path to run this test.";

    private static readonly Lazy<string?> RootPath = new(() =>
    {
        string? env = Environment.GetEnvironmentVariable("CQTML_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(Path.Combine(env, "fixtures")))
        {
            return env;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "fixtures")))
            {
                return candidate;
            }
        }

        return null;
    });

    public static string Fixture(params string[] parts) =>
        Path.Combine(new[] { RootPath.Value ?? throw new InvalidOperationException(MissingReason), "fixtures" }.Concat(parts).ToArray());

    public static void SkipIfMissing() => Skip.If(RootPath.Value is null, MissingReason);
}
