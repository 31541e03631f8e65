namespace CqtMl.Preferences.Judges;

/// <summary>Counts level changes in controls <c>[4, T]</c> (row-major): the measure of flicker and smoothness.</summary>
public static class ControlChanges
{
    /// <summary>Gets the number of frames t >= 1 at which a control's level differs from frame t - 1, over all controls.</summary>
    /// <param name="controls">Controls <c>[controls, frames]</c>, row-major.</param>
    /// <param name="frames">T.</param>
    /// <returns>The number of changes.</returns>
    public static int Count(ReadOnlySpan<float> controls, int frames)
    {
        Check(controls, frames);
        int changes = 0;
        for (int row = 0; row < controls.Length / frames; row++)
        {
            ReadOnlySpan<float> series = controls.Slice(row * frames, frames);
            for (int t = 1; t < frames; t++)
            {
                changes += series[t] != series[t - 1] ? 1 : 0;
            }
        }

        return changes;
    }

    /// <summary>Gets the level changes per second, summed over the controls.</summary>
    /// <param name="controls">Controls <c>[controls, frames]</c>, row-major.</param>
    /// <param name="frames">T.</param>
    /// <param name="frameRate">Frames per second.</param>
    /// <returns>Changes per second.</returns>
    public static double PerSecond(ReadOnlySpan<float> controls, int frames, double frameRate) =>
        Count(controls, frames) * frameRate / frames;

    /// <summary>Gets, for each frame, whether any control changes level there (frame 0 never does).</summary>
    /// <param name="controls">Controls <c>[controls, frames]</c>, row-major.</param>
    /// <param name="frames">T.</param>
    /// <returns>Per frame: the number of controls changing level.</returns>
    public static int[] PerFrame(ReadOnlySpan<float> controls, int frames)
    {
        Check(controls, frames);
        var changes = new int[frames];
        for (int row = 0; row < controls.Length / frames; row++)
        {
            ReadOnlySpan<float> series = controls.Slice(row * frames, frames);
            for (int t = 1; t < frames; t++)
            {
                changes[t] += series[t] != series[t - 1] ? 1 : 0;
            }
        }

        return changes;
    }

    private static void Check(ReadOnlySpan<float> controls, int frames)
    {
        if (frames < 1 || controls.Length == 0 || controls.Length % frames != 0)
        {
            throw new ArgumentException($"Expected controls [n, {frames}] (frames at least 1), got {controls.Length} values.", nameof(controls));
        }
    }
}
