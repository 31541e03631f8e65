using CqtMl.Audio.Music;

namespace CqtMl.Plots;

/// <summary>What the four controls are, in the words plots use: one level per pitch register, in frames of the CQT.</summary>
public static class ControlNames
{
    /// <summary>Gets the legend of a register's control, for example "register 1 (C3-B3)".</summary>
    /// <param name="register">0 to 3.</param>
    /// <returns>The name.</returns>
    public static string Register(int register) => register switch
    {
        0 => "register 0 (below C3)",
        1 => "register 1 (C3-B3)",
        2 => "register 2 (C4-B4)",
        3 => "register 3 (C5 and above)",
        _ => throw new ArgumentOutOfRangeException(nameof(register), register, "Registers are 0 to 3."),
    };

    /// <summary>Gets the CQT bins <c>[first, last]</c> whose nearest note is in <paramref name="register"/> (empty when none).</summary>
    /// <param name="register">0 to 3.</param>
    /// <param name="bins">The CQT's bins.</param>
    /// <param name="fmin">Its lowest bin's frequency in Hz.</param>
    /// <param name="binsPerOctave">Its bins per octave.</param>
    /// <returns>The first and last bin, or (-1, -1).</returns>
    public static (int First, int Last) RegisterBins(int register, int bins, double fmin, int binsPerOctave)
    {
        int first = -1, last = -1;
        for (int b = 0; b < bins; b++)
        {
            if (PitchRegister.OfFrequency(fmin * Math.Pow(2, (double)b / binsPerOctave)) == register)
            {
                first = first < 0 ? b : first;
                last = b;
            }
        }

        return (first, last);
    }
}
