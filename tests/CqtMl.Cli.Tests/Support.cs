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

    public static (long[] Shape, float[] Data) ReadNpy(string path) => NpyReader.ReadAll(path);
}

