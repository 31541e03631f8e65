using ScottPlot;

namespace CqtMl.Plots;

/// <summary>
/// Renders one channel of a CQT as a heatmap in dB: time in seconds across, pitch up the side (lowest bin at the
/// bottom, octaves labelled by note name), a colour bar in dB relative to the loudest bin.
/// </summary>
public static class CqtHeatmap
{
    /// <summary>The dynamic range shown, in dB below the maximum.</summary>
    public const double RangeDb = 80;

    /// <summary>Writes the heatmap as a PNG (atomically: temp file, then rename).</summary>
    /// <param name="path">The PNG file to write.</param>
    /// <param name="magnitude">Linear magnitudes <c>[bins, frames]</c>, row-major.</param>
    /// <param name="bins">The number of bins.</param>
    /// <param name="frames">The number of frames.</param>
    /// <param name="framesPerSecond">Frames per second (sample rate / hop).</param>
    /// <param name="fmin">The frequency of bin 0 in Hz.</param>
    /// <param name="binsPerOctave">Bins per octave.</param>
    /// <param name="title">The plot title.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    public static void SavePng(string path, ReadOnlySpan<float> magnitude, int bins, int frames, double framesPerSecond, double fmin, int binsPerOctave, string title, int width = 1200, int height = 600)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (bins <= 0 || frames <= 0 || magnitude.Length < (long)bins * frames)
        {
            throw new ArgumentException($"Expected {bins} x {frames} magnitudes, got {magnitude.Length}.", nameof(magnitude));
        }

        Plot plot = Render(magnitude, bins, frames, framesPerSecond, fmin, binsPerOctave, title, width);
        PngFile.Save(plot, path, width, height);
    }

    /// <summary>Renders the heatmap as PNG bytes (for notebooks: <c>display(HTML(CqtHeatmap.ToHtml(...)))</c>).</summary>
    /// <param name="magnitude">Linear magnitudes <c>[bins, frames]</c>, row-major.</param>
    /// <param name="bins">The number of bins.</param>
    /// <param name="frames">The number of frames.</param>
    /// <param name="framesPerSecond">Frames per second (sample rate / hop).</param>
    /// <param name="fmin">The frequency of bin 0 in Hz.</param>
    /// <param name="binsPerOctave">Bins per octave.</param>
    /// <param name="title">The plot title.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] ToPng(ReadOnlySpan<float> magnitude, int bins, int frames, double framesPerSecond, double fmin, int binsPerOctave, string title, int width = 900, int height = 450)
    {
        float[] values = magnitude.ToArray();
        return InlinePng.Bytes(path => SavePng(path, values, bins, frames, framesPerSecond, fmin, binsPerOctave, title, width, height));
    }

    /// <summary>Renders the heatmap as an HTML <c>img</c> element with the PNG inlined.</summary>
    /// <param name="magnitude">Linear magnitudes <c>[bins, frames]</c>, row-major.</param>
    /// <param name="bins">The number of bins.</param>
    /// <param name="frames">The number of frames.</param>
    /// <param name="framesPerSecond">Frames per second (sample rate / hop).</param>
    /// <param name="fmin">The frequency of bin 0 in Hz.</param>
    /// <param name="binsPerOctave">Bins per octave.</param>
    /// <param name="title">The plot title.</param>
    /// <returns>The HTML.</returns>
    public static string ToHtml(ReadOnlySpan<float> magnitude, int bins, int frames, double framesPerSecond, double fmin, int binsPerOctave, string title) =>
        $"<img alt=\"{System.Net.WebUtility.HtmlEncode(title)}\" src=\"data:image/png;base64,{Convert.ToBase64String(ToPng(magnitude, bins, frames, framesPerSecond, fmin, binsPerOctave, title))}\" />";

    /// <summary>Builds the plot (for notebooks and custom rendering).</summary>
    /// <param name="magnitude">Linear magnitudes <c>[bins, frames]</c>.</param>
    /// <param name="bins">The number of bins.</param>
    /// <param name="frames">The number of frames.</param>
    /// <param name="framesPerSecond">Frames per second.</param>
    /// <param name="fmin">The frequency of bin 0 in Hz.</param>
    /// <param name="binsPerOctave">Bins per octave.</param>
    /// <param name="title">The plot title.</param>
    /// <param name="maxColumns">Frames are max-pooled down to at most this many columns.</param>
    /// <returns>A ScottPlot plot.</returns>
    public static Plot Render(ReadOnlySpan<float> magnitude, int bins, int frames, double framesPerSecond, double fmin, int binsPerOctave, string title, int maxColumns = 2000)
    {
        // Max-pool long signals so short events stay visible; row 0 of the image is the top, i.e. the highest bin.
        int pool = Math.Max(1, (frames + maxColumns - 1) / maxColumns);
        int columns = (frames + pool - 1) / pool;
        double peak = 0;
        foreach (float v in magnitude[..(bins * frames)])
        {
            peak = Math.Max(peak, v);
        }

        double floor = peak > 0 ? peak * Math.Pow(10, -RangeDb / 20) : 1e-12;
        var db = new double[bins, columns];
        for (int k = 0; k < bins; k++)
        {
            for (int c = 0; c < columns; c++)
            {
                double m = 0;
                for (int f = c * pool; f < Math.Min(frames, (c + 1) * pool); f++)
                {
                    m = Math.Max(m, magnitude[(k * frames) + f]);
                }

                db[bins - 1 - k, c] = 20 * Math.Log10(Math.Max(m, floor) / Math.Max(peak, floor));
            }
        }

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(db);
        heatmap.Colormap = new ScottPlot.Colormaps.Magma();
        double seconds = frames / framesPerSecond;
        heatmap.Extent = new CoordinateRect(0, seconds, -0.5, bins - 0.5);
        plot.Add.ColorBar(heatmap).Label = "dB";
        plot.Title(title);
        plot.XLabel("Time (s)");
        plot.YLabel("Pitch (CQT bin)");

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int k = 0; k < bins; k += binsPerOctave)
        {
            ticks.AddMajor(k, NoteName(fmin * Math.Pow(2, (double)k / binsPerOctave)));
        }

        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.SetLimits(0, seconds, -0.5, bins - 0.5);
        return plot;
    }

    /// <summary>Names the equal-tempered note nearest to <paramref name="frequency"/>, e.g. C1 or A4.</summary>
    /// <param name="frequency">A frequency in Hz.</param>
    /// <returns>The note name.</returns>
    public static string NoteName(double frequency)
    {
        string[] names = { "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B" };
        int midi = (int)Math.Round(69 + 12 * Math.Log2(frequency / 440.0));
        return names[((midi % 12) + 12) % 12] + ((midi / 12) - 1);
    }
}
