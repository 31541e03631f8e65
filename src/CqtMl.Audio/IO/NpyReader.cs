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
        var (shape, offset) = NpyHeader.Read(stream);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (stream.Length - offset != 4 * count)
        {
            throw new InvalidDataException($"{path}: shape ({string.Join(", ", shape)}) needs {4 * count} data bytes, the file has {stream.Length - offset}.");
        }

        var values = new float[count];
        stream.Position = offset;
        stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return (shape, values);
    }
}
