using System.CommandLine;
using CqtMl.Audio.Cqt;

namespace CqtMl.Cli.Commands;

/// <summary><c>cqtml cqt &lt;input&gt; --out file.npy</c>: decode, resample and transform one audio file.</summary>
internal static class CqtCommand
{
    public static Command Create(TextWriter stdout)
    {
        var input = new Argument<string>("input") { Description = "Audio file (WAV, MP3, OGG; other formats through ffmpeg)." };
        var output = new Option<string>("--out") { Description = "Output .npy file, float32 [2, bins, frames].", Required = true };
        var png = new Option<string?>("--png") { Description = "Also write a heatmap of channel 0 in dB." };
        var sampleRate = new Option<int>("--sample-rate") { Description = "CQT sample rate in Hz (the audio is resampled to it).", DefaultValueFactory = _ => 22050 };
        var hop = new Option<int>("--hop-length") { Description = "Hop between frames in samples.", DefaultValueFactory = _ => 64 };
        var bins = new Option<int>("--bins") { Description = "Number of bins.", DefaultValueFactory = _ => 84 };
        var binsPerOctave = new Option<int>("--bins-per-octave") { Description = "Bins per octave.", DefaultValueFactory = _ => 12 };
        var fmin = new Option<double>("--fmin") { Description = "Lowest bin frequency in Hz.", DefaultValueFactory = _ => CqtOptions.C1 };
        var channels = new Option<string>("--channels") { Description = "stereo: |CQT| of left and right; complex: real and imaginary part of the mono mix.", DefaultValueFactory = _ => "stereo" };
        channels.AcceptOnlyFromAmong("stereo", "complex");
        var repeat = new Option<int>("--repeat") { Description = "With --timings: CQT runs after one warm-up; the median is reported.", DefaultValueFactory = _ => 1 };
        var timings = new Option<bool>("--timings") { Description = "Print one JSON line of timings on stdout." };

        var command = new Command("cqt", "Compute the CQT of an audio file and write it as a NumPy .npy file.")
        {
            input, output, png, sampleRate, hop, bins, binsPerOctave, fmin, channels, repeat, timings,
        };
        command.SetAction(parse =>
        {
            var options = new CqtOptions
            {
                SampleRate = parse.GetValue(sampleRate),
                HopLength = parse.GetValue(hop),
                BinCount = parse.GetValue(bins),
                BinsPerOctave = parse.GetValue(binsPerOctave),
                FMin = parse.GetValue(fmin),
                Channels = parse.GetValue(channels) == "complex" ? CqtChannels.Complex : CqtChannels.Stereo,
            };
            int repeats = parse.GetValue(repeat);
            if (repeats < 1)
            {
                throw new UsageException($"--repeat must be at least 1, got {repeats}.");
            }

            ValidateOptions(options);
            var job = new CqtJob(options, parse.GetRequiredValue(input), parse.GetRequiredValue(output), parse.GetValue(png));
            CqtTimings? result = parse.GetValue(timings) ? job.RunTimed(repeats) : job.RunStreaming();
            if (result is not null)
            {
                stdout.WriteLine(result.ToJson());
            }

            return Program.Success;
        });
        return command;
    }

    internal static void ValidateOptions(CqtOptions options)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            string option = e.ParamName switch
            {
                nameof(CqtOptions.SampleRate) => "--sample-rate",
                nameof(CqtOptions.HopLength) => "--hop-length",
                nameof(CqtOptions.BinCount) => "--bins",
                nameof(CqtOptions.BinsPerOctave) => "--bins-per-octave",
                nameof(CqtOptions.FMin) => "--fmin",
                _ => e.ParamName ?? "option",
            };
            string reason = e.Message.Split(" (Parameter", 2)[0].Split('\n')[0];
            throw new UsageException($"{option}: {reason}", e);
        }
    }
}
