namespace CqtMl.Tests.Shared;

/// <summary>
/// Locates the project's read-only shared data (<c>shared/</c> next to the repository, or <c>CQTML_SHARED</c>):
/// reference CQTs and real-format fixtures. Tests that need it skip with <see cref="MissingReason"/> when it is absent
/// (a fresh clone may not have it). Linked into every test project that reads it.
/// </summary>
public static class SharedData
{
    public const string MissingReason = "../shared (reference data and real-format fixtures) is not present next to this checkout; set CQTML_SHARED to its path to run this test.";

    private static readonly Lazy<string?> RootPath = new(Find);

    public static string? Root => RootPath.Value;

    /// <summary>A path below the shared folder.</summary>
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine(new[] { Root ?? throw new InvalidOperationException(MissingReason) }.Concat(parts).ToArray());

    /// <summary>A path below shared/fixtures.</summary>
    public static string Fixture(params string[] parts) => Path(new[] { "fixtures" }.Concat(parts).ToArray());

    public static void SkipIfMissing() => Skip.If(Root is null, MissingReason);

    private static string? Find()
    {
        static bool IsShared(string dir) => Directory.Exists(System.IO.Path.Combine(dir, "reference")) && Directory.Exists(System.IO.Path.Combine(dir, "fixtures"));

        string? env = Environment.GetEnvironmentVariable("CQTML_SHARED");
        if (!string.IsNullOrEmpty(env) && IsShared(env))
        {
            return env;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "shared");
            if (IsShared(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
