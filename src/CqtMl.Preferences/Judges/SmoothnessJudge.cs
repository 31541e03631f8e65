namespace CqtMl.Preferences.Judges;

/// <summary>
/// <c>smoothness</c>: prefers samples with fewer needless level changes. Score: minus the level changes per second,
/// summed over the 4 controls (<see cref="ControlChanges.PerSecond"/>).
/// </summary>
public sealed class SmoothnessJudge : IPreferenceJudge
{
    /// <summary>The judge's name.</summary>
    public const string JudgeName = "smoothness";

    /// <inheritdoc/>
    public string Name => JudgeName;

    /// <inheritdoc/>
    public string Description => "fewer level changes (minus the level changes per second over the 4 controls)";

    /// <inheritdoc/>
    public double Score(JudgedClip clip, ReadOnlySpan<float> controls)
    {
        ArgumentNullException.ThrowIfNull(clip);
        return -ControlChanges.PerSecond(controls, clip.Frames, clip.Options.FrameRate);
    }
}
