namespace CqtMl.Preferences.Judges;

/// <summary>
/// <c>onset</c>: prefers samples whose level changes happen at the music's onsets and not elsewhere. Score, per second:
/// the frames with a level change (any control) within 50 ms of an onset of the clip (<see cref="JudgedClip.Onsets"/>)
/// minus the frames with a level change farther from every onset. The score adds up over frames, so a change at an
/// onset always helps and a change elsewhere always costs, whatever else the sample does.
/// </summary>
public sealed class OnsetJudge : IPreferenceJudge
{
    /// <summary>The judge's name.</summary>
    public const string JudgeName = "onset";

    /// <summary>How close to an onset a change must be, in seconds.</summary>
    public const double ToleranceSeconds = 0.05;

    /// <inheritdoc/>
    public string Name => JudgeName;

    /// <inheritdoc/>
    public string Description => "level changes at the music's onsets and not elsewhere (changing frames within 50 ms of an onset minus the others, per second)";

    /// <inheritdoc/>
    public double Score(JudgedClip clip, ReadOnlySpan<float> controls)
    {
        ArgumentNullException.ThrowIfNull(clip);
        int[] changes = ControlChanges.PerFrame(controls, clip.Frames);
        var nearOnset = new bool[clip.Frames];
        int tolerance = clip.FramesIn(ToleranceSeconds);
        foreach (int onset in clip.Onsets)
        {
            for (int f = Math.Max(0, onset - tolerance); f <= Math.Min(clip.Frames - 1, onset + tolerance); f++)
            {
                nearOnset[f] = true;
            }
        }

        int changing = 0, hits = 0;
        for (int f = 1; f < clip.Frames; f++)
        {
            if (changes[f] > 0)
            {
                changing++;
                hits += nearOnset[f] ? 1 : 0;
            }
        }

        return (hits - (changing - hits)) / clip.Seconds;
    }
}
