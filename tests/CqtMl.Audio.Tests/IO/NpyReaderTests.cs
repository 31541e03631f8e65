using CqtMl.Audio.IO;

namespace CqtMl.Audio.Tests.IO;

public class NpyReaderTests : IDisposable
{
    // numpy.save of np.array([[1.5, -2, 3], [0, 0.25, 7]], dtype=np.float32), NumPy 1.24.
    private const string NumPyFile = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAAwAAAQEAAAAAAAACAPgAA4EA=";

    private readonly string _dir = Directory.CreateTempSubdirectory("cqtml-npy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ReadsAFileWrittenByNumPy()
    {
        string path = Path.Combine(_dir, "numpy.npy");
        File.WriteAllBytes(path, Convert.FromBase64String(NumPyFile));
        var (shape, values) = NpyReader.ReadAll(path);
        Assert.Equal(new long[] { 2, 3 }, shape);
        Assert.Equal(new[] { 1.5f, -2f, 3f, 0f, 0.25f, 7f }, values);
    }

    [Fact]
    public void RoundTripsTheWriter()
    {
        string path = Path.Combine(_dir, "a.npy");
        float[] written = Enumerable.Range(0, 24).Select(i => i * 0.5f - 3).ToArray();
        NpyWriter.WriteAll(path, written, 2, 3, 4);
        var (shape, values) = NpyReader.ReadAll(path);
        Assert.Equal(new long[] { 2, 3, 4 }, shape);
        Assert.Equal(written, values);
    }

    [Fact]
    public void TruncatedDataIsAClearError()
    {
        string path = Path.Combine(_dir, "short.npy");
        byte[] bytes = Convert.FromBase64String(NumPyFile);
        File.WriteAllBytes(path, bytes[..^4]);
        var e = Assert.Throws<InvalidDataException>(() => NpyReader.ReadAll(path));
        Assert.Contains("needs 24 data bytes, the file has 20", e.Message);
    }
}
