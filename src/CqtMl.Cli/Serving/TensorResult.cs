using CqtMl.Audio.IO;
using Microsoft.AspNetCore.Http;

namespace CqtMl.Cli.Serving;

/// <summary>A float32 tensor as the client asked for it: JSON <c>{"shape": [...], "data": [...]}</c> or a <c>.npy</c> file.</summary>
internal static class TensorResult
{
    /// <summary>The media type of a <c>.npy</c> response (<c>Accept: application/x-npy</c> or <c>?format=npy</c>).</summary>
    public const string NpyMediaType = "application/x-npy";

    /// <summary>Whether the request asks for <c>.npy</c>.</summary>
    public static bool WantsNpy(HttpRequest request) =>
        string.Equals(request.Query["format"], "npy", StringComparison.OrdinalIgnoreCase)
        || request.Headers.Accept.Any(a => a is not null && a.Contains(NpyMediaType, StringComparison.OrdinalIgnoreCase));

    /// <summary>The tensor in the requested form, with extra JSON fields describing it.</summary>
    public static IResult Create(HttpRequest request, float[] values, long[] shape, IReadOnlyDictionary<string, object> describe)
    {
        if (WantsNpy(request))
        {
            return Results.File(NpyWriter.ToBytes(values, shape), NpyMediaType, "tensor.npy");
        }

        var body = new Dictionary<string, object>(describe) { ["shape"] = shape, ["data"] = values };
        return Results.Json(body);
    }
}
