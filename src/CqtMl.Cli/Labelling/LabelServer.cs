using CqtMl.Cli.Serving;
using CqtMl.Preferences.Comparisons;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CqtMl.Cli.Labelling;

/// <summary>
/// The labelling page's server (<c>cqtml label serve</c>): the page (<c>label.html</c>, embedded), its state, label,
/// skip and undo calls, and each pair's clip audio and plots, addressed by pair id only, so nothing but the pairs' own
/// audio can be fetched. Loopback unless told otherwise.
/// </summary>
internal static class LabelServer
{
    /// <summary>Builds the application (not started).</summary>
    public static WebApplication Build(LabelSession session, string host, int port)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{host}:{port}");
        builder.Services.AddProblemDetails();
        WebApplication app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        string page = Page();
        app.MapGet("/", () => Results.Content(page, "text/html; charset=utf-8"));
        app.MapGet("/api/state", () => Results.Json(session.State()));
        app.MapPost("/api/label", (LabelRequest request) => ProblemResults.Guard(() =>
        {
            if (!PreferenceLabels.TryParse(request.Label, out PreferenceLabel label))
            {
                throw new ArgumentException($"label '{request.Label}': expected a, b or tie.");
            }

            session.Label(request.PairId ?? string.Empty, label);
            return Results.Json(session.State());
        }));
        app.MapPost("/api/skip", (LabelRequest request) => ProblemResults.Guard(() =>
        {
            session.Skip(request.PairId ?? string.Empty);
            return Results.Json(session.State());
        }));
        app.MapPost("/api/undo", () =>
        {
            session.Undo();
            return Results.Json(session.State());
        });
        app.MapGet("/api/pairs/{pairId}/audio.wav", (string pairId) => ProblemResults.Guard(() => Results.File(session.Audio(pairId), "audio/wav")));
        app.MapGet("/api/pairs/{pairId}/{sample}.png", (string pairId, string sample) => ProblemResults.Guard(() => Results.File(session.Plot(pairId, sample), "image/png")));
        return app;
    }

    private static string Page()
    {
        using Stream stream = typeof(LabelServer).Assembly.GetManifestResourceStream("CqtMl.Cli.Labelling.label.html")
            ?? throw new InvalidOperationException("The labelling page (label.html) is not embedded in cqtml.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The body of the label and skip calls.</summary>
    internal sealed record LabelRequest(string? PairId, string? Label);
}
