using ScottPlot;

namespace CqtMl.Plots;

/// <summary>Renders training curves: loss and a validation metric per epoch, on two axes.</summary>
public static class TrainingCurves
{
    /// <summary>Writes the curves as a PNG (atomically).</summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="loss">Mean training loss per epoch.</param>
    /// <param name="f1">The validation metric per epoch (the generator's register F1 by default).</param>
    /// <param name="title">The title.</param>
    /// <param name="lossName">The loss axis' label.</param>
    /// <param name="metricName">The metric's legend.</param>
    /// <param name="metricAxis">The metric axis' label.</param>
    public static void SavePng(string path, IReadOnlyList<double> loss, IReadOnlyList<double> f1, string title, string lossName = "cross-entropy", string metricName = "validation register F1", string metricAxis = "F1")
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(f1);
        var plot = new Plot();
        double[] epochs = Enumerable.Range(1, loss.Count).Select(e => (double)e).ToArray();
        var lossLine = plot.Add.Scatter(epochs, loss.ToArray());
        lossLine.LegendText = "training loss";
        var f1Line = plot.Add.Scatter(epochs, f1.ToArray());
        f1Line.LegendText = metricName;
        f1Line.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = metricAxis;
        plot.YLabel(lossName);
        plot.XLabel("epoch");
        plot.Title(title);
        plot.ShowLegend();
        PngFile.Save(plot, path, 900, 450);
    }

    /// <summary>Writes control curves <c>[4, T]</c> of one sample as a PNG (atomically).</summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="controls">Controls, register-major.</param>
    /// <param name="frames">T.</param>
    /// <param name="framesPerSecond">Frames per second.</param>
    /// <param name="title">The title.</param>
    public static void SaveControlsPng(string path, ReadOnlySpan<float> controls, int frames, double framesPerSecond, string title)
    {
        var plot = new Plot();
        double[] time = Enumerable.Range(0, frames).Select(t => t / framesPerSecond).ToArray();
        for (int r = 0; r < 4; r++)
        {
            // Offset each register so the four curves do not overlap.
            double[] values = controls.Slice(r * frames, frames).ToArray().Select(v => v + (1.2 * r)).ToArray();
            var line = plot.Add.SignalXY(time, values);
            line.LegendText = ControlNames.Register(r);
        }

        plot.XLabel("time (s)");
        plot.YLabel("control level (offset per register)");
        plot.Title(title);
        plot.ShowLegend();
        PngFile.Save(plot, path, 1000, 500);
    }
}
