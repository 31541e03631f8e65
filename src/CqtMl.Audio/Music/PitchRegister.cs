namespace CqtMl.Audio.Music;

/// <summary>
/// The 4 pitch registers of the generator's supervised target (DESIGN.md): MIDI note &lt; 48, 48–59, 60–71, &gt;= 72.
/// </summary>
public static class PitchRegister
{
    /// <summary>The number of registers (and of control signals).</summary>
    public const int Count = 4;

    /// <summary>Gets the register of a MIDI note: 0 below 48, 1 for 48–59, 2 for 60–71, 3 from 72.</summary>
    /// <param name="midiNote">The MIDI note number.</param>
    /// <returns>The register index.</returns>
    public static int Of(int midiNote) => midiNote < 48 ? 0 : midiNote < 60 ? 1 : midiNote < 72 ? 2 : 3;

    /// <summary>Gets the register of a frequency, from its nearest equal-tempered MIDI note (A4 = 440 Hz).</summary>
    /// <param name="hertz">A positive frequency.</param>
    /// <returns>The register index.</returns>
    public static int OfFrequency(double hertz) => Of((int)Math.Round(69 + (12 * Math.Log2(hertz / 440))));
}
