namespace CqtMl.Preferences.Judges;

/// <summary>
/// A programmatic judge: scores one sample of controls <c>[4, T]</c> for a clip, higher is better. Pairs are labelled
/// by comparing the two scores (<see cref="PreferenceJudging"/>).
/// </summary>
public interface IPreferenceJudge
{
    /// <summary>Gets the judge's name, written to the dataset's <c>judge</c> column.</summary>
    string Name { get; }

    /// <summary>Gets what the judge prefers, in a sentence.</summary>
    string Description { get; }

    /// <summary>Scores a sample.</summary>
    /// <param name="clip">The clip.</param>
    /// <param name="controls">Controls <c>[4, T]</c>, row-major, levels in [0, 1].</param>
    /// <returns>The score; higher is preferred.</returns>
    double Score(JudgedClip clip, ReadOnlySpan<float> controls);
}
