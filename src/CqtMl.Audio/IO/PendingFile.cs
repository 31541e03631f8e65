namespace CqtMl.Audio.IO;

/// <summary>
/// A completely written temporary file waiting to replace its target (see <see cref="AtomicFile.Prepare"/>).
/// <see cref="Commit"/> moves it into place; disposing it uncommitted deletes it and leaves the target as it was.
/// </summary>
public sealed class PendingFile : IDisposable
{
    private readonly string _temporary;
    private readonly string _target;
    private readonly string _displayPath;
    private bool _done;

    internal PendingFile(string temporary, string target, string displayPath)
    {
        _temporary = temporary;
        _target = target;
        _displayPath = displayPath;
    }

    /// <summary>Gets the target path as the caller gave it.</summary>
    public string Path => _displayPath;

    /// <summary>Moves the file into place (replacing any existing target).</summary>
    /// <exception cref="IOException">The move failed; the message names the target.</exception>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        try
        {
            File.Move(_temporary, _target, overwrite: true);
            _done = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw AtomicFile.WriteError(_displayPath, _temporary, e);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_done)
        {
            _done = true;
            File.Delete(_temporary);
        }
    }
}
