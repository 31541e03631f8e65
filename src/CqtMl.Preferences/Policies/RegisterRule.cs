namespace CqtMl.Preferences.Policies;

/// <summary>
/// The rule of one register (<see cref="RegisterRules"/>): the target level is sigmoid((energy - Threshold) / Width), so
/// the control is above one half exactly when the register's energy is above the threshold.
/// </summary>
/// <param name="Threshold">The energy (in [0, 1], the register-energy scale of <see cref="Judges.JudgedClip.RegisterEnergy"/>) above which the register counts as active.</param>
/// <param name="Width">How gradually the level rises around the threshold (energy units, positive).</param>
public sealed record RegisterRule(double Threshold, double Width);
