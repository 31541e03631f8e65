using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.IO;
using CqtMl.Audio.Music;
using CqtMl.Cli.Serving;
using CqtMl.Onnx.Generation;
using CqtMl.Preferences.Comparisons;
using Microsoft.AspNetCore.Builder;

namespace CqtMl.Cli.Tests.Serving;

/// <summary>
/// The local HTTP API against the CLI and the library on the same input: same tensors, bad input as 400 problems,
/// concurrent requests neither lost nor mixed up, limits enforced. One server (shipped models) for the class.
/// </summary>
public sealed class ApiServerTests : IClassFixture<ApiServerTests.Server>
{
    private readonly Server _server;

    public ApiServerTests(Server server) => _server = server;

    [Fact]
    public async Task HealthAndOpenApiDescribeTheServiceAndItListensOnLoopback()
    {
        Assert.StartsWith("http://127.0.0.1:", _server.Address, StringComparison.Ordinal);
        JsonNode health = JsonNode.Parse(await _server.Client.GetStringAsync("/healthz"))!;
        Assert.Equal("ok", (string?)health["status"]);
        Assert.Equal(22050, (int)health["cqt"]!["sample_rate"]!);
        JsonNode openApi = JsonNode.Parse(await _server.Client.GetStringAsync("/openapi/v1.json"))!;
        JsonObject paths = openApi["paths"]!.AsObject();
        Assert.All(new[] { "/healthz", "/v1/cqt", "/v1/controls", "/v1/reward" }, p => Assert.True(paths.ContainsKey(p), p));
        Assert.Contains("multipart/form-data", paths["/v1/controls"]!["post"]!["requestBody"]!["content"]!.AsObject().Select(c => c.Key));
    }

    [Fact]
    public async Task ControlsEqualTheClisGenerateOutputInJsonAndNpy()
    {
        string expectedPath = Path.Combine(_server.Folder, "expected-controls.npy");
        var (code, _, err) = Cli.Run("generate", _server.Wav, "--out", expectedPath, "--mode", "stochastic", "--seed", "7", "--temperature", "1.2", "--samples", "2", "--offset", "0.5", "--duration", "1.5");
        Assert.True(code == 0, err);
        (long[] shape, float[] expected) = NpyReader.ReadAll(expectedPath);

        var fields = new Dictionary<string, string> { ["mode"] = "stochastic", ["seed"] = "7", ["temperature"] = "1.2", ["samples"] = "2", ["offset"] = "0.5", ["duration"] = "1.5" };
        JsonNode json = JsonNode.Parse(await (await _server.Post("/v1/controls", fields)).Content.ReadAsStringAsync())!;
        Assert.Equal(shape, json["shape"]!.AsArray().Select(d => (long)d!));
        Assert.Equal(expected, json["data"]!.AsArray().Select(v => (float)v!));

        HttpResponseMessage npy = await _server.Post("/v1/controls?format=npy", fields);
        Assert.Equal(TensorResult.NpyMediaType, npy.Content.Headers.ContentType!.MediaType);
        (long[] npyShape, float[] npyValues) = NpyReader.Read(new MemoryStream(await npy.Content.ReadAsByteArrayAsync()), "response");
        Assert.Equal(shape, npyShape);
        Assert.Equal(expected, npyValues);
    }

    [Fact]
    public async Task CqtAndRewardEqualTheLibrarysOnTheSameClip()
    {
        HttpResponseMessage response = await _server.Post("/v1/cqt?format=npy", new Dictionary<string, string> { ["duration"] = "1" });
        (long[] shape, float[] cqt) = NpyReader.Read(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), "response");
        (float[] expected, int frames) = ClipCqt.Compute(_server.Wav, new CqtExtractor(new CqtOptions()), null, 1.0);
        Assert.Equal(new long[] { 2, 84, frames }, shape);
        Assert.Equal(expected, cqt);

        var generation = new GenerationOptions { Mode = GenerationMode.Stochastic, SampleCount = 3, Seed = 2 };
        float[] controls = _server.Models.Generator.Generate(expected, 1, frames, generation);
        float[] rewards = _server.Models.Reward.ScoreSamples(expected, controls, frames);
        var form = new Dictionary<string, string> { ["duration"] = "1" };
        var files = new Dictionary<string, byte[]> { ["controls"] = NpyWriter.ToBytes(controls, 3, 4, frames) };
        JsonNode json = JsonNode.Parse(await (await _server.Post("/v1/reward", form, files)).Content.ReadAsStringAsync())!;
        Assert.Equal(rewards, json["rewards"]!.AsArray().Select(r => (float)r!));
    }

    [Theory]
    [InlineData("/v1/controls", "no-audio", "audio")]
    [InlineData("/v1/controls", "not-audio", "audio 'clip.wav'")]
    [InlineData("/v1/controls", "temperature=-1", "Temperature")]
    [InlineData("/v1/controls", "mode=loud", "mode")]
    [InlineData("/v1/controls", "offset=60", "ffset")]
    [InlineData("/v1/cqt", "duration=abc", "Duration")]
    [InlineData("/v1/reward", "no-controls", "controls")]
    [InlineData("/v1/reward", "bad-controls", "controls")]
    [InlineData("/v1/reward", "short-controls", "frames")]
    public async Task BadInputIsA400ProblemNamingIt(string route, string problem, string named)
    {
        var fields = new Dictionary<string, string>();
        var files = new Dictionary<string, byte[]>();
        switch (problem)
        {
            case "no-audio": fields["mode"] = "deterministic"; break;
            case "not-audio": break;
            case "no-controls": break;
            case "bad-controls": files["controls"] = NpyWriter.ToBytes(new float[12], 3, 4); break;
            case "short-controls": files["controls"] = NpyWriter.ToBytes(new float[40], 1, 4, 10); break;
            default:
                string[] pair = problem.Split('=');
                fields[pair[0]] = pair[1];
                break;
        }

        byte[]? garbage = problem == "not-audio" ? "RIFF this is not a wave file at all"u8.ToArray() : null;
        HttpResponseMessage response = await _server.Post(route, fields, files, includeAudio: problem != "no-audio", audioBytes: garbage);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        JsonNode problemJson = JsonNode.Parse(body)!;
        Assert.Equal(400, (int)problemJson["status"]!);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.True(((string?)problemJson["detail"])?.Contains(named, StringComparison.Ordinal) == true, body);
    }

    [Fact]
    public async Task SixteenConcurrentClientsGetTheirOwnAnswers()
    {
        OnnxControlGenerator generator = _server.Models.Generator;
        (float[] cqt, int frames) = ClipCqt.Compute(_server.Wav, new CqtExtractor(new CqtOptions()), null, 1.0);
        Task<(int Seed, float[] Data)>[] requests = Enumerable.Range(0, 16).Select(async seed =>
        {
            var fields = new Dictionary<string, string> { ["mode"] = "stochastic", ["seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture), ["duration"] = "1", ["temperature"] = "1.3" };
            HttpResponseMessage response = await _server.Post("/v1/controls?format=npy", fields);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (seed, NpyReader.Read(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), "response").Values);
        }).ToArray();
        foreach ((int seed, float[] data) in await Task.WhenAll(requests))
        {
            float[] expected = generator.Generate(cqt, 1, frames, new GenerationOptions { Mode = GenerationMode.Stochastic, Seed = seed, Temperature = 1.3 });
            Assert.Equal(expected, data);
        }
    }

    [Fact]
    public async Task ABodyOverTheLimitIsRefused()
    {
        var options = new ServeOptions { Port = 0, MaxRequestMegabytes = 1 };
        await using WebApplication app = ApiServer.Build(options, _server.Models);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        using var content = new MultipartFormDataContent { { new ByteArrayContent(new byte[2 * 1024 * 1024]), "audio", "big.wav" } };
        HttpResponseMessage response = await client.PostAsync("/v1/cqt", content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        await app.StopAsync();
    }

    /// <summary>One running server on a free loopback port, a 3 s synthesized WAV, and a client.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private WebApplication? _app;

        public string Folder { get; } = Directory.CreateTempSubdirectory("cqtml-serve-").FullName;

        public string Wav => Path.Combine(Folder, "clip.wav");

        internal ServedModels Models { get; } = ServedModels.Load(null);

        public HttpClient Client { get; private set; } = new();

        public string Address { get; private set; } = string.Empty;

        public async Task InitializeAsync()
        {
            SyntheticPiece piece = SyntheticMusic.Render(5, 44100, 3);
            WavWriter.WriteFloat32(Wav, piece.SampleRate, piece.Samples);
            _app = ApiServer.Build(new ServeOptions { Port = 0 }, Models);
            await _app.StartAsync();
            Address = _app.Urls.First();
            Client = new HttpClient { BaseAddress = new Uri(Address) };
        }

        public async Task<HttpResponseMessage> Post(string route, Dictionary<string, string> fields, Dictionary<string, byte[]>? files = null, bool includeAudio = true, byte[]? audioBytes = null)
        {
            using var content = new MultipartFormDataContent();
            if (includeAudio)
            {
                byte[] audio = audioBytes ?? File.ReadAllBytes(Wav);
                var part = new ByteArrayContent(audio);
                part.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
                content.Add(part, "audio", "clip.wav");
            }

            foreach ((string name, string value) in fields)
            {
                content.Add(new StringContent(value), name);
            }

            foreach ((string name, byte[] bytes) in files ?? new Dictionary<string, byte[]>())
            {
                content.Add(new ByteArrayContent(bytes), name, name + ".npy");
            }

            return await Client.PostAsync(route, content);
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            if (_app is not null)
            {
                await _app.StopAsync();
                await _app.DisposeAsync();
            }

            Models.Dispose();
            Directory.Delete(Folder, recursive: true);
        }
    }
}
