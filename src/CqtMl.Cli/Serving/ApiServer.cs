using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CqtMl.Cli.Serving;

/// <summary>
/// Builds the local HTTP API (ASP.NET Core minimal APIs): the routes of <see cref="ApiEndpoints"/>, an OpenAPI document
/// at <c>/openapi/v1.json</c>, a request-size limit, a concurrency limit with a bounded queue (503 beyond it), and
/// problem-details bodies for every error.
/// </summary>
internal static class ApiServer
{
    /// <summary>Builds the application (not started).</summary>
    public static WebApplication Build(ServeOptions options, ServedModels models)
    {
        options.Validate();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        long maxBytes = options.MaxRequestMegabytes * 1024L * 1024L;
        builder.Services.Configure<KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = maxBytes);
        builder.Services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = maxBytes);
        // Binding failures (a field that is not a number, a body that is not a form) throw, so that the problem names them.
        builder.Services.Configure<RouteHandlerOptions>(r => r.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(p => p.CustomizeProblemDetails = c =>
        {
            if (c.Exception is Microsoft.AspNetCore.Http.BadHttpRequestException bad)
            {
                c.ProblemDetails.Status = bad.StatusCode;
                c.ProblemDetails.Detail = bad.Message;
            }
        });
        builder.Services.AddOpenApi();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(_ => RateLimitPartition.GetConcurrencyLimiter("all", _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = options.MaxConcurrentRequests,
                QueueLimit = options.QueueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            }));
        });

        WebApplication app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = e => e is Microsoft.AspNetCore.Http.BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError });
        app.UseStatusCodePages();
        app.UseRateLimiter();
        app.MapOpenApi();
        ApiEndpoints.Map(app, models);
        return app;
    }
}
