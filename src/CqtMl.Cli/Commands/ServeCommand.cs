using System.CommandLine;
using CqtMl.Cli.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace CqtMl.Cli.Commands;

/// <summary><c>cqtml serve</c>: the local HTTP API over the shipped (or given) generator and reward model (see <see cref="ApiServer"/>).</summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter stdout)
    {
        var defaults = new ServeOptions();
        var models = new Option<string?>("--models") { Description = "A folder with generator.onnx and reward.onnx (default: the shipped models)." };
        var host = new Option<string>("--host") { Description = "The address to bind; 127.0.0.1 (loopback only) unless told otherwise, e.g. 0.0.0.0.", DefaultValueFactory = _ => defaults.Host };
        var port = new Option<int>("--port") { CustomParser = CliNumbers.ParseInt, Description = "The port (0 picks a free one).", DefaultValueFactory = _ => defaults.Port };
        var maxRequest = new Option<int>("--max-request-mb") { CustomParser = CliNumbers.ParseInt, Description = "The largest request body in megabytes.", DefaultValueFactory = _ => defaults.MaxRequestMegabytes };
        var concurrency = new Option<int>("--max-concurrent") { CustomParser = CliNumbers.ParseInt, Description = "Requests computed at once (default: the processor count); up to --queue more wait, the rest get 503.", DefaultValueFactory = _ => defaults.MaxConcurrentRequests };
        var queue = new Option<int>("--queue") { CustomParser = CliNumbers.ParseInt, Description = "Requests that may wait for a slot.", DefaultValueFactory = _ => defaults.QueueLimit };
        var command = new Command("serve", "Serve the CQT, the generator and the reward model over a local HTTP API (OpenAPI at /openapi/v1.json).\nExample: cqtml serve --port 5180, then curl -F audio=@song.mp3 http://127.0.0.1:5180/v1/controls") { models, host, port, maxRequest, concurrency, queue };
        var flags = new Dictionary<string, Option>
        {
            [nameof(ServeOptions.Port)] = port,
            [nameof(ServeOptions.MaxRequestMegabytes)] = maxRequest,
            [nameof(ServeOptions.MaxConcurrentRequests)] = concurrency,
            [nameof(ServeOptions.QueueLimit)] = queue,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var options = new ServeOptions
            {
                ModelsDirectory = parse.GetValue(models),
                Host = parse.GetValue(host)!,
                Port = parse.GetValue(port),
                MaxRequestMegabytes = parse.GetValue(maxRequest),
                MaxConcurrentRequests = parse.GetValue(concurrency),
                QueueLimit = parse.GetValue(queue),
            };
            UsageException.Validate(options.Validate, flags, "server options");
            using ServedModels served = ServedModels.Load(options.ModelsDirectory);
            await using WebApplication app = ApiServer.Build(options, served);
            await app.StartAsync(cancellation);
            stdout.WriteLine($"cqtml serve: {served.Source}; listening on {string.Join(", ", app.Urls)} (OpenAPI: /openapi/v1.json; Ctrl+C stops)");
            await app.WaitForShutdownAsync(cancellation);
            return Program.Success;
        });
        return command;
    }
}
