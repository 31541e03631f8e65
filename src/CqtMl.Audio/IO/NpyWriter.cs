using Microsoft.Win32.SafeHandles;

namespace CqtMl.Audio.IO;

/// <summary>
/// Writes a float32 NumPy array of known shape to a file, in any order (positional writes), atomically: data go to a
/// temporary file beside the target (see <see cref="AtomicFile"/>), which replaces the target only on
/// <see cref="Commit"/> (or, committed together with other outputs, through <see cref="Complete"/>). Disposing without
/// committing deletes the temporary file and leaves any existing target untouched. No disk space is reserved up front:
/// the file grows as it is written.
/// </summary>
public sealed class NpyWriter : IDisposable
{
    private readonly string _path;
    private readonly string _displayPath;
    private readonly string _temp;
    private readonly long _dataOffset;
    private SafeFileHandle? _handle;

    /// <summary>Creates the temporary file and writes the header.</summary>
    /// <param name="path">The final <c>.npy</c> path.</param>
    /// <param name="shape">The array's dimensions.</param>
    public NpyWriter(string path, IReadOnlyList<long> shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Any(d => d < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), $"Negative dimension in ({string.Join(", ", shape)}).");
        }

        _displayPath = path;
        _path = Path.GetFullPath(path);
        Shape = shape.ToArray();
        _temp = AtomicFile.CreateTemporary(path);
        byte[] header = NpyHeader.ForFloat32(Shape);
        _dataOffset = header.Length;
        try
        {
            _handle = File.OpenHandle(_temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
            RandomAccess.Write(_handle, header, 0);
            RandomAccess.SetLength(_handle, header.Length + (4 * Count));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _handle?.Dispose();
            File.Delete(_temp);
            throw AtomicFile.WriteError(path, _temp, e);
        }
    }

    /// <summary>Gets the array's shape.</summary>
    public long[] Shape { get; }

    /// <summary>Gets the number of elements.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Writes <paramref name="values"/> at flat (C-order) element index <paramref name="index"/>.</summary>
    /// <param name="index">The flat index of the first value.</param>
    /// <param name="values">The values.</param>
    public void Write(long index, ReadOnlySpan<float> values)
    {
        SafeFileHandle handle = _handle ?? throw new ObjectDisposedException(nameof(NpyWriter));
        if (index < 0 || index + values.Length > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Elements [{index}, {index + values.Length}) are outside the array of {Count}.");
        }

        RandomAccess.Write(handle, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values), _dataOffset + (4 * index));
    }

    /// <summary>Flushes the data and moves the file into place.</summary>
    public void Commit()
    {
        using PendingFile pending = Complete();
        pending.Commit();
    }

    /// <summary>
    /// Flushes and closes the temporary file without moving it into place: the returned file is committed (or
    /// discarded) by the caller, typically together with the job's other outputs (<see cref="AtomicFile.CommitAll"/>).
    /// </summary>
    /// <returns>The written, uncommitted file.</returns>
    public PendingFile Complete()
    {
        SafeFileHandle handle = _handle ?? throw new ObjectDisposedException(nameof(NpyWriter));
        RandomAccess.FlushToDisk(handle);
        handle.Dispose();
        _handle = null;
        return new PendingFile(_temp, _path, _displayPath);
    }

    /// <summary>Writes a whole array to a temporary file and returns it uncommitted.</summary>
    /// <param name="path">The target path.</param>
    /// <param name="values">The values, C order.</param>
    /// <param name="shape">The dimensions; their product must equal the number of values.</param>
    /// <returns>The written, uncommitted file.</returns>
    public static PendingFile Prepare(string path, ReadOnlySpan<float> values, params long[] shape)
    {
        using var writer = new NpyWriter(path, shape);
        if (writer.Count != values.Length)
        {
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) holds {writer.Count} values, got {values.Length}.", nameof(shape));
        }

        writer.Write(0, values);
        return writer.Complete();
    }

    /// <summary>Gets a whole array as the bytes of a <c>.npy</c> file (for example an HTTP response).</summary>
    /// <param name="values">The values, C order.</param>
    /// <param name="shape">The dimensions; their product must equal the number of values.</param>
    /// <returns>The header and the data.</returns>
    public static byte[] ToBytes(ReadOnlySpan<float> values, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Aggregate(1L, (a, b) => a * b) != values.Length || shape.Any(d => d < 0))
        {
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) does not hold {values.Length} values.", nameof(shape));
        }

        byte[] header = NpyHeader.ForFloat32(shape);
        var bytes = new byte[header.Length + (4 * values.Length)];
        header.CopyTo(bytes, 0);
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).CopyTo(bytes.AsSpan(header.Length));
        return bytes;
    }

    /// <summary>Writes a whole array atomically.</summary>
    /// <param name="path">The target path.</param>
    /// <param name="values">The values, C order.</param>
    /// <param name="shape">The dimensions; their product must equal the number of values.</param>
    public static void WriteAll(string path, ReadOnlySpan<float> values, params long[] shape)
    {
        using PendingFile pending = Prepare(path, values, shape);
        pending.Commit();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_handle is not null)
        {
            _handle.Dispose();
            _handle = null;
            File.Delete(_temp);
        }
    }
}
