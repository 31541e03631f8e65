using CqtMl.Audio.IO;

namespace CqtMl.Cli.Tests;

internal static class Cli
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public static (long[] Shape, float[] Data) ReadNpy(string path)
    {
        using FileStream stream = File.OpenRead(path);
        var (shape, offset) = NpyHeader.Read(stream);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        Assert.Equal(offset + (4 * count), stream.Length);
        var bytes = new byte[4 * count];
        stream.Position = offset;
        stream.ReadExactly(bytes);
        var data = new float[count];
        Buffer.BlockCopy(bytes, 0, data, 0, bytes.Length);
        return (shape, data);
    }
}
