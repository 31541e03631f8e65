using System.CommandLine;
using System.Globalization;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.IO;

namespace CqtMl.Cli.Commands;

/// <summary><c>cqtml cqt &lt;input&gt; --out file.npy</c>: decode, resample and transform one audio file.</summary>
internal static class CqtCommand
{
    public static Command Create(TextWriter stdout)
    {
        var input = new Argument<string>("input") { Description = "Audio file (WAV, MP3, OGG; other formats through ffmpeg)." };
        var output = new Option<string>("--out") { Description = "Output .npy file, float32 [2, bins, frames].", Required = true };
        var png = new Option<string?>("--png") { Description = "Also write a heatmap of channel 0 in dB." };
        var cqtFlags = new CqtFlags();
        var repeat = new Option<int>("--repeat") { CustomParser = CliNumbers.ParseInt, Description = "With --timings: CQT runs after one warm-up; the median is reported.", DefaultValueFactory = _ => 1 };
        var timings = new Option<bool>("--timings") { Description = "Print one JSON line of timings on stdout." };

        var command = new Command("cqt", "Compute the CQT of an audio file and write it as a NumPy .npy file.\nExample: cqtml cqt song.mp3 --out song.npy --png song.png")
        {
            input, output, png,
        };
        foreach (Option flag in cqtFlags.All.Append(repeat).Append(timings))
        {
            command.Options.Add(flag);
        }

        command.SetAction(parse =>
        {
            CqtOptions options = cqtFlags.Read(parse);
            int repeats = parse.GetValue(repeat);
            if (repeats < 1)
            {
                throw new UsageException($"--repeat must be at least 1, got {repeats}.");
            }

            string outPath = parse.GetRequiredValue(output);
            string? pngPath = parse.GetValue(png);
            var job = new CqtJob(options, parse.GetRequiredValue(input), outPath, pngPath);
            CqtTimings? result = parse.GetValue(timings) ? job.RunTimed(repeats) : job.RunStreaming();
            if (result is not null)
            {
                stdout.WriteLine(result.ToJson());
            }
            else
            {
                long[] shape;
                using (FileStream written = File.OpenRead(outPath))
                {
                    shape = NpyHeader.Read(written).Shape;
                }

                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cqtml cqt: wrote {outPath} [{string.Join(", ", shape)}] ({options.SampleRate} Hz, hop {options.HopLength}, {options.FrameRate:0.#} frames/s){(pngPath is null ? string.Empty : $" and {pngPath}")}"));
            }

            return Program.Success;
        });
        return command;
    }
}
