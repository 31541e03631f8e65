using System.Globalization;
using System.Text;

namespace CqtMl.Cli.Extraction;

/// <summary>
/// Which of n shards a track belongs to: the 64-bit FNV-1a hash of its id's UTF-8 bytes, modulo n. A function of the
/// track alone (not of its position or of the other tracks), so n independent jobs split any data set the same way
/// on every machine and every run.
/// </summary>
/// <param name="Index">This job's shard, 0 to Count - 1.</param>
/// <param name="Count">The number of shards.</param>
internal sealed record ShardAssignment(int Index, int Count)
{
    /// <summary>The whole data set as one shard.</summary>
    public static readonly ShardAssignment Whole = new(0, 1);

    /// <summary>Gets the file name of this shard's manifest.</summary>
    public string ManifestName => string.Create(CultureInfo.InvariantCulture, $"shard-{Index}-of-{Count}.tsv");

    /// <summary>Gets the shard a track id belongs to among <paramref name="count"/>.</summary>
    /// <param name="trackId">The track's id.</param>
    /// <param name="count">The number of shards.</param>
    /// <returns>The shard index.</returns>
    public static int Of(string trackId, int count)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(trackId))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return (int)(hash % (ulong)count);
    }

    /// <summary>Parses <c>i/n</c> (0 &lt;= i &lt; n).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The assignment.</returns>
    /// <exception cref="FormatException">The text is not i/n with 0 &lt;= i &lt; n.</exception>
    public static ShardAssignment Parse(string text)
    {
        string[] parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            || count < 1 || index >= count)
        {
            throw new FormatException($"'{text}' is not a shard i/n with 0 <= i < n (for example 0/3)");
        }

        return new ShardAssignment(index, count);
    }

    /// <summary>Gets whether a track belongs to this shard.</summary>
    /// <param name="trackId">The track's id.</param>
    /// <returns>Whether it does.</returns>
    public bool Owns(string trackId) => Of(trackId, Count) == Index;

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
