namespace CqtMl.Cli.Serving;

/// <summary>How <c>cqtml serve</c> listens and what it accepts. Defaults named once here.</summary>
internal sealed record ServeOptions
{
    /// <summary>The default address: loopback only, so nothing outside this machine can reach the API unless told.</summary>
    public const string DefaultHost = "127.0.0.1";

    /// <summary>The default port.</summary>
    public const int DefaultPort = 5180;

    /// <summary>The largest request body in megabytes (an upload of about 10 minutes of 44.1 kHz stereo WAV).</summary>
    public const int DefaultMaxRequestMegabytes = 100;

    /// <summary>Requests waiting for a slot beyond the running ones; more are refused with 503.</summary>
    public const int DefaultQueueLimit = 64;

    /// <summary>Gets the address to bind (an IP address or a host name).</summary>
    public string Host { get; init; } = DefaultHost;

    /// <summary>Gets the port (0 picks a free one).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Gets a folder holding <c>generator.onnx</c> and <c>reward.onnx</c>; null for the shipped models.</summary>
    public string? ModelsDirectory { get; init; }

    /// <summary>Gets the largest request body in megabytes.</summary>
    public int MaxRequestMegabytes { get; init; } = DefaultMaxRequestMegabytes;

    /// <summary>Gets the requests computed at once (default: the processor count).</summary>
    public int MaxConcurrentRequests { get; init; } = Environment.ProcessorCount;

    /// <summary>Gets the requests that may wait for a slot.</summary>
    public int QueueLimit { get; init; } = DefaultQueueLimit;

    /// <summary>Checks the options.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Port, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestMegabytes, 1, nameof(MaxRequestMegabytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentRequests, 1, nameof(MaxConcurrentRequests));
        ArgumentOutOfRangeException.ThrowIfNegative(QueueLimit, nameof(QueueLimit));
    }
}
