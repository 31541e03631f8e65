using CqtMl.Audio.IO;
using ScottPlot;

namespace CqtMl.Plots;

/// <summary>Saves plots as PNG files atomically (see <see cref="AtomicFile"/>).</summary>
internal static class PngFile
{
    public static void Save(Plot plot, string path, int width, int height)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));
    }
}
