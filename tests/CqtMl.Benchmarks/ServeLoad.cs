using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using CqtMl.Audio.IO;

namespace CqtMl.Benchmarks;

/// <summary>
/// Load on <c>cqtml serve</c>: starts the server (a separate process, as users run it), computes the expected controls of
/// 8 seeds with <c>cqtml generate</c>, then lets 1, 4 and 16 concurrent clients post <c>/v1/controls</c> for a fixed
/// time each and checks every response against the CLI's output for its seed. Prints requests per second, p50 and p99
/// latency, lost requests (errors or non-200) and mixed-up answers per level.
/// <c>dotnet run -c Release --project tests/CqtMl.Benchmarks -- serve-load path/to/cqtml.dll audio [seconds-per-level] [clip-seconds]</c>.
/// </summary>
public static class ServeLoad
{
    private const int Seeds = 8;

    /// <summary>Runs the measurement.</summary>
    public static void Run(TextWriter output, string[] args)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (args is null || args.Length < 2)
        {
            throw new ArgumentException("Usage: serve-load path/to/cqtml.dll audio [seconds-per-level] [clip-seconds]");
        }

        string cli = Path.GetFullPath(args[0]), audio = Path.GetFullPath(args[1]);
        double seconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 20;
        string clip = args.Length > 3 ? args[3] : "3";
        string work = Directory.CreateTempSubdirectory("cqtml-serve-load-").FullName;
        var expected = new float[Seeds][];
        for (int seed = 0; seed < Seeds; seed++)
        {
            string npy = Path.Combine(work, $"seed{seed}.npy");
            Cli(cli, "generate", audio, "--out", npy, "--mode", "stochastic", "--seed", seed.ToString(CultureInfo.InvariantCulture), "--duration", clip);
            expected[seed] = NpyReader.ReadAll(npy).Values;
        }

        using Process server = StartServer(cli, out string address);
        try
        {
            byte[] upload = File.ReadAllBytes(audio);
            output.WriteLine($"cqtml serve at {address}; POST /v1/controls?format=npy, {Path.GetFileName(audio)} ({upload.Length / 1024} KB), first {clip} s, stochastic, seeds 0-{Seeds - 1}; {seconds} s per level; {Environment.ProcessorCount} cores");
            output.WriteLine("| clients | requests | requests/s | p50 ms | p99 ms | lost | mixed up |");
            output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
            foreach (int clients in new[] { 1, 4, 16 })
            {
                output.WriteLine(Level(address, upload, Path.GetFileName(audio), clip, expected, clients, seconds));
            }
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Level(string address, byte[] upload, string name, string clip, float[][] expected, int clients, double seconds)
    {
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(5) };
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        int lost = 0, mixed = 0, counter = 0;
        var clock = Stopwatch.StartNew();
        Task[] tasks = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                int seed = Interlocked.Increment(ref counter) % Seeds;
                using var content = new MultipartFormDataContent();
                var file = new ByteArrayContent(upload);
                file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                content.Add(file, "audio", name);
                content.Add(new StringContent("stochastic"), "mode");
                content.Add(new StringContent(seed.ToString(CultureInfo.InvariantCulture)), "seed");
                content.Add(new StringContent(clip), "duration");
                var started = Stopwatch.StartNew();
                try
                {
                    using HttpResponseMessage response = await http.PostAsync("/v1/controls?format=npy", content);
                    byte[] body = await response.Content.ReadAsByteArrayAsync();
                    latencies.Add(started.Elapsed.TotalMilliseconds);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref lost);
                    }
                    else if (!NpyReader.Read(new MemoryStream(body), "response").Values.SequenceEqual(expected[seed]))
                    {
                        Interlocked.Increment(ref mixed);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref lost);
                }
            }
        })).ToArray();
        Task.WaitAll(tasks);
        double elapsed = clock.Elapsed.TotalSeconds;
        double[] sorted = latencies.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"| {clients} | {sorted.Length} | {sorted.Length / elapsed:F1} | {Percentile(0.5):F0} | {Percentile(0.99):F0} | {lost} | {mixed} |");
    }

    private static Process StartServer(string cli, out string address)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { cli, "serve", "--port", "0" })
        {
            start.ArgumentList.Add(a);
        }

        Process server = Process.Start(start)!;
        string line = server.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"cqtml serve did not start: {server.StandardError.ReadToEnd()}");
        int at = line.IndexOf("http://", StringComparison.Ordinal);
        address = line[at..].Split(' ', ',')[0];
        return server;
    }

    private static void Cli(string cli, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(cli);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"cqtml {string.Join(' ', args)}: {errors}");
        }
    }
}
