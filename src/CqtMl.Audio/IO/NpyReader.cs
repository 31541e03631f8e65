namespace CqtMl.Audio.IO;

/// <summary>Reads a whole float32 C-order NumPy array (the counterpart of <see cref="NpyWriter.WriteAll"/>).</summary>
public static class NpyReader
{
    /// <summary>Reads the shape and the values of a <c>.npy</c> file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The dimensions and the values in C order.</returns>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">Not a float32 C-order NumPy file, or its data are shorter or longer than its shape says.</exception>
    public static (long[] Shape, float[] Values) ReadAll(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads the shape and the values of a <c>.npy</c> array from a seekable stream (for example an upload held in memory).</summary>
    /// <param name="stream">The stream, positioned at the array's start.</param>
    /// <param name="name">What the stream is, for messages.</param>
    /// <returns>The dimensions and the values in C order.</returns>
    /// <exception cref="InvalidDataException">Not a float32 C-order NumPy array, or its data are shorter or longer than its shape says.</exception>
    public static (long[] Shape, float[] Values) Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long start = stream.Position;
        var (shape, offset) = NpyHeader.Read(stream);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (stream.Length - start - offset != 4 * count)
        {
            throw new InvalidDataException($"{name}: shape ({string.Join(", ", shape)}) needs {4 * count} data bytes, the file has {stream.Length - start - offset}.");
        }

        var values = new float[count];
        stream.Position = start + offset;
        stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return (shape, values);
    }
}
