using ScottPlot;

namespace CqtMl.Plots;

/// <summary>
/// Compares several samples of controls for one clip (for example the deterministic controls and stochastic samples
/// at several temperatures): one strip per sample, four rows per strip (registers 0 to 3, bottom to top), the level
/// as colour (dark 0, bright 1).
/// </summary>
public static class SampleStrips
{
    /// <summary>Writes the plot as a PNG (atomically).</summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="samples">The samples' names (the strip labels) and controls <c>[4, T]</c> each.</param>
    /// <param name="frames">T.</param>
    /// <param name="framesPerSecond">CQT frames per second.</param>
    /// <param name="title">The title.</param>
    public static void SavePng(string path, IReadOnlyList<(string Name, float[] Controls)> samples, int frames, double framesPerSecond, string title)
    {
        ArgumentNullException.ThrowIfNull(samples);
        const int Rows = 5; // 4 registers and a gap
        var levels = new double[samples.Count * Rows, frames];
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int s = 0; s < samples.Count; s++)
        {
            float[] controls = samples[s].Controls;
            if (controls.Length != 4 * frames)
            {
                throw new ArgumentException($"Sample '{samples[s].Name}': expected controls [4, {frames}], got {controls.Length} values.", nameof(samples));
            }

            int top = s * Rows; // image row 0 is the top: the first sample is drawn on top, register 3 above register 0
            for (int f = 0; f < frames; f++)
            {
                levels[top, f] = double.NaN;
                for (int r = 0; r < 4; r++)
                {
                    levels[top + 4 - r, f] = controls[(r * frames) + f];
                }
            }

            ticks.AddMajor((samples.Count * Rows) - top - 3, samples[s].Name);
        }

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(levels);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.NaNCellColor = Colors.White;
        double seconds = frames / framesPerSecond;
        heatmap.Extent = new CoordinateRect(0, seconds, 0, samples.Count * Rows);
        plot.Add.ColorBar(heatmap).Label = "control level";
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.SetLimits(0, seconds, 0, samples.Count * Rows);
        plot.Title(title);
        plot.XLabel("time (s)");
        plot.YLabel("sample (rows: registers 0-3, bottom to top)");
        PngFile.Save(plot, path, 1200, 150 + (80 * samples.Count));
    }
}
