using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CqtMl.MLNet;

/// <summary>
/// A disk cache of computed CQT tensors, keyed by the SHA-256 of the audio file's bytes and every CQT parameter, so
/// a second pass over a data set skips decoding and transforming. Entries are written to a temporary file and moved
/// into place, so two processes filling the cache at once never see a partial entry (the first to finish wins). Every
/// entry carries its key and a SHA-256 of its data; an entry that fails the check is deleted and recomputed.
/// </summary>
public sealed class CqtCache
{
    private static readonly byte[] Magic = "CQTCACHE"u8.ToArray();
    private const int FormatVersion = 1;

    /// <summary>Initializes a cache in <paramref name="directory"/> (created when missing).</summary>
    /// <param name="directory">The cache folder.</param>
    public CqtCache(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>Gets the cache folder.</summary>
    public string Directory { get; }

    /// <summary>Gets the number of lookups served from disk.</summary>
    public int Hits => _hits;

    /// <summary>Gets the number of lookups that had to compute.</summary>
    public int Misses => _misses;

    /// <summary>Gets the number of damaged entries found (and replaced).</summary>
    public int Corrupted => _corrupted;

    private int _hits;
    private int _misses;
    private int _corrupted;

    /// <summary>Returns the cached tensor for the file and parameters, or computes, stores and returns it.</summary>
    /// <param name="audioPath">The audio file (its bytes are part of the key).</param>
    /// <param name="parameters">A canonical description of every parameter that affects the result.</param>
    /// <param name="compute">Computes the tensor on a miss.</param>
    /// <returns>The tensor.</returns>
    public float[] GetOrCompute(string audioPath, string parameters, Func<float[]> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        string key = Key(audioPath, parameters);
        string path = EntryPath(key);
        if (File.Exists(path))
        {
            float[]? cached = TryRead(path, key);
            if (cached is not null)
            {
                Interlocked.Increment(ref _hits);
                return cached;
            }

            Interlocked.Increment(ref _corrupted);
            TryDelete(path);
        }

        Interlocked.Increment(ref _misses);
        float[] values = compute();
        Write(path, key, values);
        return values;
    }

    /// <summary>Computes the key of a file and a parameter description.</summary>
    /// <param name="audioPath">The audio file.</param>
    /// <param name="parameters">The parameters.</param>
    /// <returns>A hexadecimal SHA-256.</returns>
    public static string Key(string audioPath, string parameters)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"cqtml-cache-v{FormatVersion}\n{parameters}\n"));
        using (var stream = new FileStream(audioPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private string EntryPath(string key) => Path.Combine(Directory, key[..2], key + ".cqt");

    private static float[]? TryRead(string path, string key)
    {
        try
        {
            byte[] bytes = File.ReadAllBytes(path);
            int keyBytes = Encoding.ASCII.GetByteCount(key);
            int header = Magic.Length + 4 + keyBytes + 8;
            if (bytes.Length < header + 32 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic)
                || BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(Magic.Length)) != FormatVersion
                || Encoding.ASCII.GetString(bytes, Magic.Length + 4, keyBytes) != key)
            {
                return null;
            }

            long count = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(Magic.Length + 4 + keyBytes));
            if (count < 0 || header + (4 * count) + 32 != bytes.Length)
            {
                return null;
            }

            ReadOnlySpan<byte> data = bytes.AsSpan(header, (int)(4 * count));
            if (!SHA256.HashData(data).AsSpan().SequenceEqual(bytes.AsSpan(header + data.Length, 32)))
            {
                return null;
            }

            var values = new float[count];
            data.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            return values;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void Write(string path, string key, float[] values)
    {
        string folder = Path.GetDirectoryName(path)!;
        System.IO.Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        ReadOnlySpan<byte> data = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan());
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(Magic);
                Span<byte> number = stackalloc byte[8];
                BinaryPrimitives.WriteInt32LittleEndian(number, FormatVersion);
                stream.Write(number[..4]);
                stream.Write(Encoding.ASCII.GetBytes(key));
                BinaryPrimitives.WriteInt64LittleEndian(number, values.Length);
                stream.Write(number);
                stream.Write(data);
                stream.Write(SHA256.HashData(data));
                stream.Flush(flushToDisk: true);
            }

            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process stored the same entry first; theirs is equivalent.
            }
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Another process may be replacing it; the next lookup checks it again.
        }
    }
}
