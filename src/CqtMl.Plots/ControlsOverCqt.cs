using ScottPlot;

namespace CqtMl.Plots;

/// <summary>
/// Draws a sample's four control curves over the CQT heatmap they were made from: each register's level (0 to 1) is
/// drawn inside that register's band of bins (0 at the band's lowest bin, 1 at its highest), so a curve sits on the
/// notes it describes.
/// </summary>
public static class ControlsOverCqt
{
    /// <summary>Writes the plot as a PNG (atomically).</summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="magnitude">CQT magnitudes <c>[bins, T]</c> (one channel or the channels' mean).</param>
    /// <param name="controls">One sample's controls <c>[4, T]</c>, register-major, levels in [0, 1].</param>
    /// <param name="bins">The CQT's bins.</param>
    /// <param name="frames">T.</param>
    /// <param name="framesPerSecond">CQT frames per second.</param>
    /// <param name="fmin">The lowest bin's frequency in Hz.</param>
    /// <param name="binsPerOctave">Bins per octave.</param>
    /// <param name="title">The title (say which sample it is).</param>
    public static void SavePng(string path, ReadOnlySpan<float> magnitude, ReadOnlySpan<float> controls, int bins, int frames, double framesPerSecond, double fmin, int binsPerOctave, string title)
    {
        if (controls.Length != 4 * frames)
        {
            throw new ArgumentException($"Expected controls [4, {frames}], got {controls.Length} values.", nameof(controls));
        }

        Plot plot = CqtHeatmap.Render(magnitude, bins, frames, framesPerSecond, fmin, binsPerOctave, title);
        double[] time = Enumerable.Range(0, frames).Select(t => t / framesPerSecond).ToArray();
        Color[] colours = { Colors.Cyan, Colors.Lime, Colors.Yellow, Colors.White };
        for (int r = 0; r < 4; r++)
        {
            (int first, int last) = ControlNames.RegisterBins(r, bins, fmin, binsPerOctave);
            if (first < 0)
            {
                continue;
            }

            double low = first - 0.5, span = last - first + 1;
            double[] values = controls.Slice(r * frames, frames).ToArray().Select(v => low + (v * span)).ToArray();
            var line = plot.Add.SignalXY(time, values);
            line.Color = colours[r];
            line.LineWidth = 2;
            line.LegendText = ControlNames.Register(r);
        }

        plot.ShowLegend(Alignment.UpperRight);
        PngFile.Save(plot, path, 1200, 600);
    }
}
