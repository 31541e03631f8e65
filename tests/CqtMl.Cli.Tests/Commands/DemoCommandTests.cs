namespace CqtMl.Cli.Tests.Commands;

public class DemoCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-demo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void DemoWritesAudioTensorAndHeatmapIntoTheFolderItNames()
    {
        string folder = Path.Combine(_dir, "demo");
        var (code, stdout, err) = Cli.Run("demo", "--out", folder);
        Assert.True(code == 0, err);
        Assert.Contains(folder, stdout);
        var (shape, data) = Cli.ReadNpy(Path.Combine(folder, "demo-cqt.npy"));
        Assert.Equal(2, shape[0]);
        Assert.Equal(84, shape[1]);
        Assert.Equal(1 + (22050 * 6.5 / 64), shape[2], 0);
        Assert.True(data.Max() > 0.1);
        Assert.True(new FileInfo(Path.Combine(folder, "demo-cqt.png")).Length > 10_000);
        Assert.True(File.Exists(Path.Combine(folder, "demo.wav")));
    }
}
