using Microsoft.Win32.SafeHandles;

namespace CqtMl.Audio.IO;

/// <summary>
/// Writes a float32 NumPy array of known shape to a file, in any order (positional writes), atomically: data go to a
/// temporary file beside the target, which replaces the target only on <see cref="Commit"/>. Disposing without
/// committing deletes the temporary file and leaves any existing target untouched.
/// </summary>
public sealed class NpyWriter : IDisposable
{
    private readonly string _path;
    private readonly string _temp;
    private readonly long _dataOffset;
    private SafeFileHandle? _handle;

    /// <summary>Creates the temporary file and writes the header.</summary>
    /// <param name="path">The final <c>.npy</c> path.</param>
    /// <param name="shape">The array's dimensions.</param>
    public NpyWriter(string path, IReadOnlyList<long> shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
        Shape = shape.ToArray();
        string directory = Path.GetDirectoryName(_path) ?? ".";
        Directory.CreateDirectory(directory);
        _temp = Path.Combine(directory, $".{Path.GetFileName(_path)}.{Guid.NewGuid():N}.tmp");
        byte[] header = NpyHeader.ForFloat32(Shape);
        _dataOffset = header.Length;
        _handle = File.OpenHandle(_temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None, header.Length + (4 * Count));
        RandomAccess.Write(_handle, header, 0);
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
        SafeFileHandle handle = _handle ?? throw new ObjectDisposedException(nameof(NpyWriter));
        RandomAccess.FlushToDisk(handle);
        handle.Dispose();
        _handle = null;
        File.Move(_temp, _path, overwrite: true);
    }

    /// <summary>Writes a whole array atomically.</summary>
    /// <param name="path">The target path.</param>
    /// <param name="values">The values, C order.</param>
    /// <param name="shape">The dimensions; their product must equal the number of values.</param>
    public static void WriteAll(string path, ReadOnlySpan<float> values, params long[] shape)
    {
        using var writer = new NpyWriter(path, shape);
        if (writer.Count != values.Length)
        {
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) holds {writer.Count} values, got {values.Length}.", nameof(shape));
        }

        writer.Write(0, values);
        writer.Commit();
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
