using System.Text;

namespace CqtMl.Audio.IO;

/// <summary>The header of a NumPy <c>.npy</c> file, format version 1.0, little-endian float32, C order.</summary>
public static class NpyHeader
{
    /// <summary>Builds the header bytes for a float32 array of <paramref name="shape"/>, padded to 64 bytes.</summary>
    /// <param name="shape">The array's dimensions.</param>
    /// <returns>The magic string, version, header length and dictionary.</returns>
    public static byte[] ForFloat32(IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Any(d => d < 0))
        {
            throw new ArgumentException("Dimensions must not be negative.", nameof(shape));
        }

        string dims = shape.Count == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        string dictionary = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";
        int unpadded = 10 + dictionary.Length + 1;
        int padded = (unpadded + 63) / 64 * 64;
        string text = dictionary + new string(' ', padded - unpadded) + "\n";
        if (text.Length > ushort.MaxValue)
        {
            throw new ArgumentException("Too many dimensions for a version 1.0 header.", nameof(shape));
        }

        var header = new byte[10 + text.Length];
        header[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY").CopyTo(header, 1);
        header[6] = 1;
        header[7] = 0;
        header[8] = (byte)(text.Length & 0xFF);
        header[9] = (byte)(text.Length >> 8);
        Encoding.ASCII.GetBytes(text).CopyTo(header, 10);
        return header;
    }

    /// <summary>Parses the header of a float32 C-order <c>.npy</c> file.</summary>
    /// <param name="stream">A stream positioned at the start of the file.</param>
    /// <returns>The shape and the offset of the data.</returns>
    /// <exception cref="InvalidDataException">Not a little-endian float32 C-order NumPy file.</exception>
    public static (long[] Shape, int DataOffset) Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var prefix = new byte[10];
        stream.ReadExactly(prefix);
        if (prefix[0] != 0x93 || Encoding.ASCII.GetString(prefix, 1, 5) != "NUMPY")
        {
            throw new InvalidDataException("Not a NumPy .npy file.");
        }

        int length = prefix[8] | (prefix[9] << 8);
        int offset = 10;
        if (prefix[6] >= 2)
        {
            var extra = new byte[2];
            stream.ReadExactly(extra);
            length |= (extra[0] << 16) | (extra[1] << 24);
            offset = 12;
        }

        var text = new byte[length];
        stream.ReadExactly(text);
        string dictionary = Encoding.ASCII.GetString(text);
        if (!dictionary.Contains("'descr': '<f4'", StringComparison.Ordinal) || !dictionary.Contains("'fortran_order': False", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Only little-endian float32 C-order arrays are supported, got {dictionary.Trim()}.");
        }

        int open = dictionary.IndexOf('(', dictionary.IndexOf("'shape'", StringComparison.Ordinal));
        int close = dictionary.IndexOf(')', open);
        long[] shape = dictionary[(open + 1)..close].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        return (shape, offset + length);
    }
}
