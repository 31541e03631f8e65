using System.Collections.Concurrent;

namespace CqtMl.MLNet;

/// <summary>
/// The ONNX models of one fitted transformer, each in a temporary file that ML.NET's ONNX transform reads (it loads a
/// model from a path, and reads that path again when the model is saved); the files are deleted when this is disposed,
/// or, for a transformer nobody disposed, when the process exits. ML.NET's own way of taking a model from memory (a
/// stream) copies it to a temporary file that it never deletes (ML.NET 5.0.1), one file per estimator built.
/// </summary>
internal sealed class OnnxModelFiles : IDisposable
{
    private static readonly ConcurrentDictionary<string, bool> Undeleted = new();
    private readonly List<string> _paths = new();

    static OnnxModelFiles() => AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteAll(Undeleted.Keys);

    /// <summary>
    /// Runs <paramref name="fit"/> with new files that the transformer it returns owns; if it throws, the files are deleted.
    /// </summary>
    /// <typeparam name="T">The transformer.</typeparam>
    /// <param name="fit">Builds the transformer, writing its models into the files it is given.</param>
    /// <returns>The transformer.</returns>
    public static T OwnedBy<T>(Func<OnnxModelFiles, T> fit)
    {
        var files = new OnnxModelFiles();
        try
        {
            return fit(files);
        }
        catch
        {
            files.Dispose();
            throw;
        }
    }

    /// <summary>Gets the paths of the files not yet deleted.</summary>
    public IReadOnlyList<string> Paths
    {
        get
        {
            lock (_paths)
            {
                return _paths.ToArray();
            }
        }
    }

    /// <summary>Writes <paramref name="model"/> to a new temporary file that this owns.</summary>
    /// <returns>The file's path.</returns>
    public string Add(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string path = Path.Combine(Path.GetTempPath(), $"cqtml-{Guid.NewGuid():N}.onnx");
        Undeleted[path] = true;
        lock (_paths)
        {
            _paths.Add(path);
        }

        File.WriteAllBytes(path, model);
        return path;
    }

    /// <summary>Deletes the files (call it after the transforms that read them are disposed). Idempotent.</summary>
    public void Dispose()
    {
        lock (_paths)
        {
            DeleteAll(_paths);
            _paths.Clear();
        }
    }

    private static void DeleteAll(IEnumerable<string> paths)
    {
        foreach (string path in paths.ToArray())
        {
            try
            {
                File.Delete(path);
                Undeleted.TryRemove(path, out _);
            }
            catch (IOException)
            {
                // Still open (Windows does not delete an open file): it stays registered and is deleted at process exit.
            }
        }
    }
}
