using System.Net;
using System.Text.Json.Nodes;
using CqtMl.Cli.Labelling;
using CqtMl.MLNet.DataSources;
using CqtMl.Onnx.Models;
using CqtMl.Preferences.Comparisons;
using CqtMl.Preferences.Labels;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;

namespace CqtMl.Cli.Tests.Labelling;

/// <summary>
/// <c>cqtml label serve</c>: labels reach the journal and the Parquet file at once and survive a killed server, undo
/// restores the previous label, only the pairs' own audio can be fetched, and the page works in a real browser.
/// </summary>
public sealed class LabelPageTests : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-label-").FullName;

    public LabelPageTests()
    {
        Root = Path.Combine(_dir, "data");
        SyntheticMusicNet.Write(Root, trainPieces: 2, testPieces: 0, seconds: 3);
        string generator = Path.Combine(_dir, "generator.onnx");
        ShippedModels.WriteTo(ShippedModels.GeneratorFile, generator);
        Pairs = Path.Combine(_dir, "pairs.parquet");
        using var comparisons = new ComparisonDatasetGenerator(Root, generator, new ComparisonDatasetOptions { Clips = 3, ClipSeconds = 1, PairsPerClip = 2, Seed = 4 });
        comparisons.Generate(Pairs);
    }

    private string Root { get; }

    private string Pairs { get; }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void LabelsAreJournalledAndMergedAtOnceUndoRestoresAndAKilledSessionLosesNothing()
    {
        List<ComparisonRow> rows = ComparisonFile.ReadAll(Pairs);
        using (var session = new LabelSession(Pairs, Root, "ann"))
        {
            Assert.Equal((6, 0), (session.State().Total, session.State().Labelled));
            Assert.Equal(rows[0].PairId, session.State().Next!.PairId);
            session.Label(rows[0].PairId, PreferenceLabel.A);
            session.Label(rows[1].PairId, PreferenceLabel.Tie);
            Assert.Equal(new[] { "a", "tie", null, null, null, null }, ComparisonFile.ReadAll(Pairs).Select(r => r.Label));
            Assert.All(ComparisonFile.ReadAll(Pairs).Take(2), r => Assert.Equal("ann", r.Judge));

            Assert.True(session.Undo());
            Assert.Equal(new[] { "a", null, null, null, null, null }, ComparisonFile.ReadAll(Pairs).Select(r => r.Label));
            Assert.Equal(rows[1].PairId, session.State().Next!.PairId);
            session.Skip(rows[1].PairId);
            Assert.Equal(rows[2].PairId, session.State().Next!.PairId);
            Assert.Throws<KeyNotFoundException>(() => session.Label("no-such-pair", PreferenceLabel.B));
        }

        // A server killed after writing the journal but before merging: the next session merges what was given.
        using (var journal = new LabelJournal(LabelJournal.For(Pairs)))
        {
            journal.Append(new LabelEvent(rows[5].PairId, PreferenceLabel.B, "ann", DateTime.UtcNow));
        }

        using (var session = new LabelSession(Pairs, Root, "ann"))
        {
            Assert.Equal(2, session.State().Labelled);
        }

        Assert.Equal(new[] { "a", null, null, null, null, "b" }, ComparisonFile.ReadAll(Pairs).Select(r => r.Label));
        Assert.Equal(4, LabelJournal.Read(LabelJournal.For(Pairs)).Count);
    }

    [Fact]
    public async Task OnlyThePairsOwnAudioCanBeFetched()
    {
        // A dataset whose source points outside the data folder.
        List<ComparisonRow> rows = ComparisonFile.ReadAll(Pairs);
        File.WriteAllBytes(Path.Combine(_dir, "secret.wav"), File.ReadAllBytes(AudioCatalog.Resolve(Root, rows[0].Source)));
        rows[0].Source = "../secret.wav";
        ComparisonFile.Write(Pairs, rows);

        using var session = new LabelSession(Pairs, Root, "ann");
        await using WebApplication app = LabelServer.Build(session, "127.0.0.1", 0);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        Assert.StartsWith("http://127.0.0.1:", app.Urls.First(), StringComparison.Ordinal);

        HttpResponseMessage ok = await http.GetAsync($"/api/pairs/{rows[1].PairId}/audio.wav");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString((await ok.Content.ReadAsByteArrayAsync())[..4]));
        Assert.Equal("image/png", (await http.GetAsync($"/api/pairs/{rows[1].PairId}/a.png")).Content.Headers.ContentType!.MediaType);

        HttpResponseMessage escaping = await http.GetAsync($"/api/pairs/{rows[0].PairId}/audio.wav");
        Assert.Equal(HttpStatusCode.BadRequest, escaping.StatusCode);
        Assert.Contains("secret.wav", await escaping.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (string url in new[] { "/api/pairs/..%2F..%2Fsecret.wav/audio.wav", "/api/pairs/%2E%2E/audio.wav", "/../secret.wav", "/data/train_data/1001.wav", "/api/pairs/x/c.png" })
        {
            HttpResponseMessage response = await http.GetAsync(url);
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{url}: {response.StatusCode}");
            Assert.DoesNotContain("RIFF", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await app.StopAsync();
    }

    [SkippableFact]
    public async Task ThePageLabelsWithButtonsAndKeysInARealBrowser()
    {
        Skip.IfNot(File.Exists(Chromium), $"{Chromium} is not installed (apt-get install chromium); .ci/run installs it");
        List<ComparisonRow> rows = ComparisonFile.ReadAll(Pairs);
        using var session = new LabelSession(Pairs, Root, "ann");
        await using WebApplication app = LabelServer.Build(session, "127.0.0.1", 0);
        await app.StartAsync();

        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = new[] { "--no-sandbox" } });
        IPage page = await browser.NewPageAsync();
        await page.GotoAsync(app.Urls.First());
        ILocator progress = page.GetByTestId("progress");
        await Assertions.Expect(progress).ToHaveTextAsync("0 of 6 pairs labelled");
        await Assertions.Expect(page.GetByTestId("pair")).ToContainTextAsync(rows[0].PairId);

        // The clip's audio loads and plays in the browser; both plots load.
        await page.WaitForFunctionAsync("() => document.getElementById('audio').readyState >= 2");
        double duration = await page.EvaluateAsync<double>("() => document.getElementById('audio').duration");
        Assert.Equal(rows[0].DurationSeconds, duration, 2);
        await page.WaitForFunctionAsync("() => ['plot-a', 'plot-b'].every(id => document.getElementById(id).complete && document.getElementById(id).naturalWidth > 300)");

        await page.Keyboard.PressAsync("a");
        await Assertions.Expect(progress).ToHaveTextAsync("1 of 6 pairs labelled");
        await page.GetByTestId("label-b").ClickAsync();
        await Assertions.Expect(progress).ToHaveTextAsync("2 of 6 pairs labelled");
        await page.Keyboard.PressAsync("u");
        await Assertions.Expect(progress).ToHaveTextAsync("1 of 6 pairs labelled");
        await Assertions.Expect(page.GetByTestId("pair")).ToContainTextAsync(rows[1].PairId);
        await page.Keyboard.PressAsync("s");
        await Assertions.Expect(page.GetByTestId("pair")).ToContainTextAsync(rows[2].PairId);
        await page.Keyboard.PressAsync("t");
        await Assertions.Expect(progress).ToHaveTextAsync("2 of 6 pairs labelled");

        Assert.Equal(new[] { "a", null, "tie", null, null, null }, ComparisonFile.ReadAll(Pairs).Select(r => r.Label));
        JsonNode state = JsonNode.Parse(await page.EvaluateAsync<string>("async () => JSON.stringify(await (await fetch('/api/state')).json())"))!;
        Assert.Equal(rows[3].PairId, (string?)state["next"]!["pairId"]); // the skipped pair comes back after the others
        await app.StopAsync();
    }
}
