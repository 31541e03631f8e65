using Microsoft.ML;
using Microsoft.ML.Data;

namespace CqtMl.MLNet.Tests.DataSources;

public class FmaTests
{
    private readonly MLContext _ml = new(seed: 1);

    [SkippableFact]
    public void SmallSubsetSkipsAndReportsTheEmptyClip()
    {
        SharedData.SkipIfMissing();
        var problems = new List<FmaProblem>();
        IDataView data = _ml.Data.LoadFromFma(SharedData.Fixture("fma"), new FmaOptions { OnSkipped = problems.Add });
        var rows = _ml.Data.CreateEnumerable<FmaTrack>(data, reuseRowObject: false).ToList();
        Assert.Equal(new[] { 2, 141, 142, 143, 1039, 1040, 11683, 11684 }, rows.Select(r => r.TrackId));
        FmaProblem problem = Assert.Single(problems);
        Assert.Equal(133297, problem.TrackId);
        Assert.Contains("no MPEG audio frames", problem.Reason);

        // A second pass (every cursor enumerates the tracks again) gives the same rows and reports the problem no more.
        Assert.Equal(rows.Select(r => r.Path), data.GetColumn<string>("Path"));
        Assert.Single(problems);

        FmaTrack first = rows[0];
        Assert.Equal("small", first.Subset);
        Assert.Equal("training", first.Split);
        Assert.Equal("Hip-Hop", first.GenreTop);
        Assert.Equal(new[] { 21 }, first.GenreIds);
        Assert.Equal(new[] { "Hip-Hop" }, first.Genres);
        Assert.Equal("Food", first.Title);
        Assert.Equal("AWOL", first.Artist);
        Assert.Equal(168f, first.DurationSeconds);
        Assert.EndsWith(Path.Combine("fma_small", "000", "000002.mp3"), first.Path);
    }

    [SkippableFact]
    public void SubsetsNestAndSplitsFilter()
    {
        SharedData.SkipIfMissing();
        string root = SharedData.Fixture("fma");
        var medium = _ml.Data.CreateEnumerable<FmaTrack>(_ml.Data.LoadFromFma(root, FmaSubset.Medium), false).ToList();
        Assert.Equal(9, medium.Count);
        Assert.Contains(medium, t => t.TrackId == 1041 && t.Subset == "medium" && t.Path.Contains("fma_medium", StringComparison.Ordinal));

        var training = _ml.Data.CreateEnumerable<FmaTrack>(_ml.Data.LoadFromFma(root, FmaSubset.Small, FmaSplit.Training), false).ToList();
        Assert.Equal(new[] { 2, 141, 142, 1039 }, training.Select(t => t.TrackId));
        Assert.All(_ml.Data.CreateEnumerable<FmaTrack>(_ml.Data.LoadFromFma(root, FmaSubset.Small, FmaSplit.Test), false), t => Assert.Equal("test", t.Split));

        // No fma_large folder among the fixtures: every large track is reported missing, none is returned.
        var problems = new List<FmaProblem>();
        Assert.Empty(_ml.Data.CreateEnumerable<FmaTrack>(_ml.Data.LoadFromFma(root, new FmaOptions { Subset = FmaSubset.Large, OnSkipped = problems.Add }), false));
        Assert.Equal(11, problems.Count);
        Assert.All(problems, p => Assert.Equal("file missing", p.Reason));
    }

    [SkippableFact]
    public void ThrowOptionListsBadTracksUpFront()
    {
        SharedData.SkipIfMissing();
        var error = Assert.Throws<InvalidDataException>(() => _ml.Data.LoadFromFma(SharedData.Fixture("fma"), new FmaOptions { BadTracks = FmaBadTrackHandling.Throw }));
        Assert.Contains("133297", error.Message);
    }

    [Fact]
    public void AudioPathFollowsTheFmaTree()
    {
        Assert.Equal(Path.Combine("000", "000002.mp3"), CqtMl.MLNet.DataSources.Fma.AudioPath(2));
        Assert.Equal(Path.Combine("133", "133297.mp3"), CqtMl.MLNet.DataSources.Fma.AudioPath(133297));
    }
}
