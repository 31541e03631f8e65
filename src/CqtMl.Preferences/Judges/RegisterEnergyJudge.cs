using CqtMl.Audio.Music;

namespace CqtMl.Preferences.Judges;

/// <summary>
/// <c>register-energy</c>: prefers samples whose control levels follow the CQT energy of their pitch registers. Score:
/// minus the mean absolute difference between each control's level and its register's energy
/// (<see cref="JudgedClip.RegisterEnergy"/>: the register's mean log spectrum on a fixed scale, in [0, 1]) over all
/// controls and frames.
/// </summary>
public sealed class RegisterEnergyJudge : IPreferenceJudge
{
    /// <summary>The judge's name.</summary>
    public const string JudgeName = "register-energy";

    /// <inheritdoc/>
    public string Name => JudgeName;

    /// <inheritdoc/>
    public string Description => "each control's level following the CQT energy of its register (minus the mean absolute difference)";

    /// <inheritdoc/>
    public double Score(JudgedClip clip, ReadOnlySpan<float> controls)
    {
        ArgumentNullException.ThrowIfNull(clip);
        float[] energy = clip.RegisterEnergy;
        if (controls.Length != energy.Length)
        {
            throw new ArgumentException($"Expected controls [{PitchRegister.Count}, {clip.Frames}], got {controls.Length} values.", nameof(controls));
        }

        double error = 0;
        for (int i = 0; i < energy.Length; i++)
        {
            error += Math.Abs(controls[i] - energy[i]);
        }

        return -error / energy.Length;
    }
}
