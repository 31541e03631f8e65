using ScottPlot;

namespace CqtMl.Plots;

/// <summary>Histograms of reward scores for two groups of samples (for example those a judge preferred and the others).</summary>
public static class RewardHistogram
{
    /// <summary>Writes the plot as a PNG (atomically).</summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="groups">Each group's legend and rewards.</param>
    /// <param name="title">The title.</param>
    /// <param name="bins">Histogram bins over the range of all rewards.</param>
    public static void SavePng(string path, IReadOnlyList<(string Name, double[] Rewards)> groups, string title, int bins = 30)
    {
        ArgumentNullException.ThrowIfNull(groups);
        double[] all = groups.SelectMany(g => g.Rewards).ToArray();
        if (all.Length == 0)
        {
            throw new ArgumentException("No rewards to plot.", nameof(groups));
        }

        double min = all.Min(), max = all.Max();
        double width = max > min ? (max - min) / bins : 1;
        var plot = new Plot();
        Color[] colours = { Colors.SteelBlue.WithAlpha(0.6), Colors.OrangeRed.WithAlpha(0.6), Colors.Green.WithAlpha(0.6) };
        for (int g = 0; g < groups.Count; g++)
        {
            var counts = new double[bins];
            foreach (double r in groups[g].Rewards)
            {
                counts[Math.Clamp((int)((r - min) / width), 0, bins - 1)]++;
            }

            double[] centres = Enumerable.Range(0, bins).Select(i => min + ((i + 0.5) * width)).ToArray();
            var bars = plot.Add.Bars(centres, counts);
            bars.LegendText = $"{groups[g].Name} ({groups[g].Rewards.Length})";
            foreach (var bar in bars.Bars)
            {
                bar.Size = width;
                bar.FillColor = colours[g % colours.Length];
                bar.LineWidth = 0;
            }
        }

        plot.Title(title);
        plot.XLabel("reward (the reward model's score)");
        plot.YLabel("samples");
        plot.ShowLegend();
        PngFile.Save(plot, path, 900, 450);
    }
}
