namespace CqtMl.Audio.Dsp;

/// <summary>Kaiser-window filter design (Kaiser's formulas for beta and the filter order).</summary>
internal static class Kaiser
{
    /// <summary>Gets the window's beta for a stopband attenuation (above 50 dB).</summary>
    /// <param name="attenuationDb">The attenuation in dB.</param>
    /// <returns>0.1102 (A - 8.7).</returns>
    public static double Beta(double attenuationDb) => 0.1102 * (attenuationDb - 8.7);

    /// <summary>Gets the (unrounded) filter order for an attenuation and a transition width.</summary>
    /// <param name="attenuationDb">The attenuation in dB.</param>
    /// <param name="transition">The transition width in cycles per sample.</param>
    /// <returns>(A - 7.95) / (2.285 * 2 pi * transition).</returns>
    public static double Order(double attenuationDb, double transition) => (attenuationDb - 7.95) / (2.285 * 2 * Math.PI * transition);

    /// <summary>Gets the window at <paramref name="x"/> in [-1, 1] (0 is the centre), normalised to 1 there.</summary>
    /// <param name="x">The position.</param>
    /// <param name="beta">The window's beta.</param>
    /// <returns>I0(beta sqrt(1 - x^2)) / I0(beta).</returns>
    public static double Window(double x, double beta) => BesselI0(beta * Math.Sqrt(1 - (x * x))) / BesselI0(beta);

    /// <summary>The modified Bessel function of the first kind, order 0, by its power series.</summary>
    /// <param name="x">The argument.</param>
    /// <returns>I0(x).</returns>
    public static double BesselI0(double x)
    {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 300 && term > 1e-17 * sum; k++)
        {
            term *= q / ((double)k * k);
            sum += term;
        }

        return sum;
    }
}
