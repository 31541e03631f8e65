using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CqtMl.Audio.IO;

namespace CqtMl.Cli.Demo;

/// <summary>Collects the demo's figures (<c>metrics.json</c>) and its pictures with one sentence each (<c>report.md</c>).</summary>
internal sealed class DemoReport
{
    private readonly List<(string Heading, string? Image, string Text)> _sections = new();

    /// <summary>Gets the figures, written as <c>metrics.json</c>.</summary>
    public JsonObject Metrics { get; } = new();

    /// <summary>Adds a section: a heading, an optional image (a file in the report folder) and its sentence.</summary>
    public void Add(string heading, string? image, string text) => _sections.Add((heading, image, text));

    /// <summary>Writes <c>report.md</c> and <c>metrics.json</c> into the folder (atomically).</summary>
    public void Write(string folder, string title, string introduction)
    {
        var markdown = new StringBuilder();
        markdown.Append(CultureInfo.InvariantCulture, $"# {title}\n\n{introduction}\n");
        foreach ((string heading, string? image, string text) in _sections)
        {
            markdown.Append(CultureInfo.InvariantCulture, $"\n## {heading}\n\n");
            if (image is not null)
            {
                markdown.Append(CultureInfo.InvariantCulture, $"![{heading}]({image})\n\n");
            }

            markdown.Append(text).Append('\n');
        }

        AtomicFile.WriteAllText(Path.Combine(folder, "report.md"), markdown.ToString());
        AtomicFile.WriteAllText(Path.Combine(folder, "metrics.json"), Metrics.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Formats a number for the report (invariant culture).</summary>
    public static string Number(double value, string format = "F3") => value.ToString(format, CultureInfo.InvariantCulture);
}
