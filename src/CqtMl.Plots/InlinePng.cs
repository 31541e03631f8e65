namespace CqtMl.Plots;

/// <summary>Shows any of this project's PNG plots inline (notebooks, web pages): renders it to bytes or an HTML <c>img</c>.</summary>
public static class InlinePng
{
    /// <summary>Renders a plot through its <c>SavePng</c> method and returns the PNG's bytes.</summary>
    /// <param name="savePng">Writes the plot to the path it is given, for example <c>p => ControlsOverCqt.SavePng(p, ...)</c>.</param>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] Bytes(Action<string> savePng)
    {
        ArgumentNullException.ThrowIfNull(savePng);
        string temp = Path.Combine(Path.GetTempPath(), $"cqtml-plot-{Guid.NewGuid():N}.png");
        try
        {
            savePng(temp);
            return File.ReadAllBytes(temp);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Renders a plot through its <c>SavePng</c> method as an HTML <c>img</c> element with the PNG inlined.</summary>
    /// <param name="savePng">Writes the plot to the path it is given.</param>
    /// <param name="alt">The image's alternative text.</param>
    /// <returns>The HTML.</returns>
    public static string Html(Action<string> savePng, string alt) =>
        $"<img alt=\"{System.Net.WebUtility.HtmlEncode(alt)}\" src=\"data:image/png;base64,{Convert.ToBase64String(Bytes(savePng))}\" />";
}
