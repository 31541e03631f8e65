namespace CqtMl.MLNet;

/// <summary>FMA subsets, each containing the smaller ones: small ⊂ medium ⊂ large ⊂ full.</summary>
public enum FmaSubset
{
    /// <summary>fma_small (8,000 30-second clips, 8 balanced genres).</summary>
    Small = 0,

    /// <summary>fma_medium (25,000 clips).</summary>
    Medium = 1,

    /// <summary>fma_large (106,574 clips).</summary>
    Large = 2,

    /// <summary>fma_full (untrimmed audio of every track).</summary>
    Full = 3,
}

/// <summary>FMA's predefined splits.</summary>
public enum FmaSplit
{
    /// <summary>The training split.</summary>
    Training = 0,

    /// <summary>The validation split.</summary>
    Validation = 1,

    /// <summary>The test split.</summary>
    Test = 2,
}

/// <summary>What to do with a track whose audio file is missing, empty or undecodable.</summary>
public enum FmaBadTrackHandling
{
    /// <summary>Leave the track out and report it (default).</summary>
    Skip = 0,

    /// <summary>Fail when the data view is created, listing every bad track.</summary>
    Throw = 1,
}

/// <summary>A track left out of an FMA data view, and why.</summary>
/// <param name="TrackId">The track id.</param>
/// <param name="Path">The audio file expected.</param>
/// <param name="Reason">What is wrong with it.</param>
public sealed record FmaProblem(int TrackId, string Path, string Reason);

/// <summary>Options for loading the FMA data set.</summary>
public sealed class FmaOptions
{
    /// <summary>Gets or sets the subset. Default <see cref="FmaSubset.Small"/>.</summary>
    public FmaSubset Subset { get; set; } = FmaSubset.Small;

    /// <summary>Gets or sets the split, or null for all splits. Default null.</summary>
    public FmaSplit? Split { get; set; }

    /// <summary>Gets or sets how tracks with a missing, empty or undecodable file are handled. Default skip.</summary>
    public FmaBadTrackHandling BadTracks { get; set; } = FmaBadTrackHandling.Skip;

    /// <summary>
    /// Gets or sets the callback told about each skipped track (called when the first cursor reaches it, and again only
    /// if the file changes). Default: a
    /// <see cref="System.Diagnostics.Trace"/> warning.
    /// </summary>
    public Action<FmaProblem>? OnSkipped { get; set; }
}

/// <summary>One row of an FMA data view.</summary>
public sealed class FmaTrack
{
    /// <summary>Gets or sets the track id.</summary>
    public int TrackId { get; set; }

    /// <summary>Gets or sets the full path of the MP3 file.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Gets or sets the track's own subset (small, medium or large).</summary>
    public string Subset { get; set; } = string.Empty;

    /// <summary>Gets or sets the split (training, validation or test).</summary>
    public string Split { get; set; } = string.Empty;

    /// <summary>Gets or sets the top-level genre (empty when FMA gives none).</summary>
    public string GenreTop { get; set; } = string.Empty;

    /// <summary>Gets or sets the ids of all genres of the track.</summary>
    public int[] GenreIds { get; set; } = Array.Empty<int>();

    /// <summary>Gets or sets the titles of <see cref="GenreIds"/>, from genres.csv.</summary>
    public string[] Genres { get; set; } = Array.Empty<string>();

    /// <summary>Gets or sets the title.</summary>
    public string Title { get; set; } = string.Empty;

    /// <summary>Gets or sets the artist's name.</summary>
    public string Artist { get; set; } = string.Empty;

    /// <summary>Gets or sets the duration of the full track in seconds, from the metadata.</summary>
    public float DurationSeconds { get; set; }
}
