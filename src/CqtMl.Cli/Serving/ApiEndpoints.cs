using System.Globalization;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;
using CqtMl.Audio.IO;
using CqtMl.Onnx.Generation;
using CqtMl.Preferences.Comparisons;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace CqtMl.Cli.Serving;

/// <summary>
/// The API's routes: <c>GET /healthz</c>, <c>POST /v1/cqt</c>, <c>POST /v1/controls</c>, <c>POST /v1/reward</c>. Bad
/// input (a missing or undecodable file, an option out of range, controls of the wrong shape) is a 400 with a
/// problem-details body naming the problem.
/// </summary>
internal static class ApiEndpoints
{
    /// <summary>Adds the routes.</summary>
    public static void Map(IEndpointRouteBuilder app, ServedModels models)
    {
        app.MapGet("/healthz", () => Results.Json(new { status = "ok", models = models.Source, cqt = Describe(models.Generator.Info.Cqt) }))
            .WithSummary("Liveness and the served models' CQT parameters.");
        app.MapPost("/v1/cqt", ([FromForm] CqtForm form, HttpRequest request) => ProblemResults.Guard(() =>
            {
                (float[] cqt, int frames, CqtOptions options) = Cqt(form, models);
                return TensorResult.Create(request, cqt, new long[] { 2, options.BinCount, frames }, Describe(options));
            }))
            .DisableAntiforgery()
            .WithSummary("The CQT [2, bins, T] of an uploaded audio file (the served models' CQT parameters).");
        app.MapPost("/v1/controls", ([FromForm] ControlsForm form, HttpRequest request) => ProblemResults.Guard(() =>
            {
                GenerationOptions generation = Generation(form);
                (float[] cqt, int frames, CqtOptions options) = Cqt(form, models);
                float[] controls = models.Generator.Generate(cqt, 1, frames, generation);
                return TensorResult.Create(request, controls, new long[] { generation.SampleCount, 4, frames }, Describe(options));
            }))
            .DisableAntiforgery()
            .WithSummary("Control signals [N, 4, T] for an uploaded audio file: one level per pitch register and CQT frame.");
        app.MapPost("/v1/reward", ([FromForm] RewardForm form) => ProblemResults.Guard(() =>
            {
                (float[] controls, long[] shape) = Controls(form);
                (float[] cqt, int frames, _) = Cqt(form, models);
                if (shape[^1] != frames)
                {
                    throw new ArgumentException($"controls: {shape[^1]} frames, the audio clip has {frames}.");
                }

                return Results.Json(new { rewards = models.Reward.ScoreSamples(cqt, controls, frames) });
            }))
            .DisableAntiforgery()
            .WithSummary("Reward scores of controls [N, 4, T] (a float32 .npy) for an uploaded audio file, one per sample.");
    }

    private static (float[] Cqt, int Frames, CqtOptions Options) Cqt(CqtForm form, ServedModels models)
    {
        IFormFile audio = form.Audio ?? throw new ArgumentException("audio: no audio file in the form (field 'audio').");
        CqtOptions options = models.Generator.Info.Cqt;
        string temp = Path.Combine(Path.GetTempPath(), $"cqtml-serve-{Guid.NewGuid():N}{SafeExtension(audio.FileName)}");
        try
        {
            using (FileStream file = File.Create(temp))
            {
                audio.CopyTo(file);
            }

            (float[] cqt, int frames) = ClipCqt.Compute(temp, new CqtExtractor(options), form.Offset, form.Duration);
            return (cqt, frames, options);
        }
        catch (AudioFormatException e)
        {
            throw new AudioFormatException($"audio '{audio.FileName}'", e.Reason, e);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static GenerationOptions Generation(ControlsForm form)
    {
        var defaults = new GenerationOptions();
        var options = new GenerationOptions
        {
            Mode = form.Mode switch
            {
                null or "deterministic" => GenerationMode.Deterministic,
                "stochastic" => GenerationMode.Stochastic,
                _ => throw new ArgumentException($"mode: '{form.Mode}' is not deterministic or stochastic."),
            },
            Temperature = form.Temperature ?? defaults.Temperature,
            Seed = form.Seed ?? defaults.Seed,
            SampleCount = form.Samples ?? defaults.SampleCount,
            Dropout = form.Dropout ?? defaults.Dropout,
            Coherence = form.Coherence ?? defaults.Coherence,
        };
        options.Validate();
        return options;
    }

    private static (float[] Values, long[] Shape) Controls(RewardForm form)
    {
        IFormFile file = form.Controls ?? throw new ArgumentException("controls: no controls file in the form (field 'controls', a float32 .npy of [N, 4, T]).");
        using var memory = new MemoryStream();
        file.CopyTo(memory);
        memory.Position = 0;
        (long[] shape, float[] values) = NpyReader.Read(memory, $"controls '{file.FileName}'");
        if (shape.Length is < 2 or > 3 || shape[^2] != 4 || shape[^1] < 1)
        {
            throw new ArgumentException($"controls: shape ({string.Join(", ", shape)}), expected [N, 4, T] or [4, T].");
        }

        if (values.Any(v => !(v >= 0 && v <= 1)))
        {
            throw new ArgumentException("controls: levels must be numbers in [0, 1].");
        }

        return (values, shape);
    }

    private static string SafeExtension(string? name)
    {
        string extension = Path.GetExtension(name ?? string.Empty).ToLowerInvariant();
        return extension.Length is > 1 and <= 6 && extension.Skip(1).All(char.IsAsciiLetterOrDigit) ? extension : ".bin";
    }

    private static Dictionary<string, object> Describe(CqtOptions options) => new()
    {
        ["sample_rate"] = options.SampleRate,
        ["hop_length"] = options.HopLength,
        ["bins"] = options.BinCount,
        ["bins_per_octave"] = options.BinsPerOctave,
        ["fmin"] = options.FMin,
        ["frame_rate"] = Math.Round(options.FrameRate, 6),
    };
}
