namespace CqtMl.Audio.Tests.Support;

/// <summary>
/// Locates the project's read-only shared data (<c>../shared</c> next to the repository, or <c>CQTML_SHARED</c>).
/// Tests that need it skip with a stated reason when it is absent (a fresh clone may not have it).
/// </summary>
public static class SharedData
{
    public const string MissingReason = "../shared (reference data and real-format fixtures) is not present next to this checkout; set CQTML_SHARED to its path to run this test.";

    private static readonly Lazy<string?> RootPath = new(Find);

    public static string? Root => RootPath.Value;

    public static string Path(params string[] parts) =>
        System.IO.Path.Combine(new[] { Root ?? throw new InvalidOperationException(MissingReason) }.Concat(parts).ToArray());

    public static void SkipIfMissing() => Skip.If(Root is null, MissingReason);

    private static string? Find()
    {
        string? env = Environment.GetEnvironmentVariable("CQTML_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(System.IO.Path.Combine(env, "reference")))
        {
            return env;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(System.IO.Path.Combine(candidate, "reference")) && Directory.Exists(System.IO.Path.Combine(candidate, "fixtures")))
            {
                return candidate;
            }
        }

        return null;
    }
}
