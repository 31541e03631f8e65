using CqtMl.Audio.Decoding;
using Microsoft.AspNetCore.Http;

namespace CqtMl.Cli.Serving;

/// <summary>
/// How the local web servers (the API and the labelling page) answer bad requests: a problem-details body whose
/// detail names the problem, 404 for something that does not exist, 400 for bad input; never a stack trace.
/// </summary>
internal static class ProblemResults
{
    /// <summary>Runs a handler, turning a missing item into a 404 problem and bad input into a 400 problem.</summary>
    public static IResult Guard(Func<IResult> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            return run();
        }
        catch (KeyNotFoundException e)
        {
            return Results.Problem(detail: e.Message, statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException or AudioFormatException or FormatException or EndOfStreamException or NotSupportedException)
        {
            return Results.Problem(detail: e.Message.Split('\n')[0].Replace(" (Parameter", string.Empty, StringComparison.Ordinal), statusCode: StatusCodes.Status400BadRequest, title: "Bad request");
        }
    }
}
