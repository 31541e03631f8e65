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
        var defaults = new CqtOptions();
        var sampleRate = new Option<int>("--sample-rate") { CustomParser = CliNumbers.ParseInt, Description = "CQT sample rate in Hz (the audio is resampled to it).", DefaultValueFactory = _ => defaults.SampleRate };
        var hop = new Option<int>("--hop-length") { CustomParser = CliNumbers.ParseInt, Description = "Hop between frames in samples.", DefaultValueFactory = _ => defaults.HopLength };
        var bins = new Option<int>("--bins") { CustomParser = CliNumbers.ParseInt, Description = "Number of bins.", DefaultValueFactory = _ => defaults.BinCount };
        var binsPerOctave = new Option<int>("--bins-per-octave") { CustomParser = CliNumbers.ParseInt, Description = "Bins per octave.", DefaultValueFactory = _ => defaults.BinsPerOctave };
        var fmin = new Option<double>("--fmin") { CustomParser = CliNumbers.ParseDouble, Description = "Lowest bin frequency in Hz.", DefaultValueFactory = _ => defaults.FMin };
        var channels = new Option<string>("--channels") { Description = "stereo: |CQT| of left and right; complex: real and imaginary part of the mono mix.", DefaultValueFactory = _ => defaults.Channels.ToString().ToLowerInvariant() };
        channels.AcceptOnlyFromAmong("stereo", "complex");
        var repeat = new Option<int>("--repeat") { CustomParser = CliNumbers.ParseInt, Description = "With --timings: CQT runs after one warm-up; the median is reported.", DefaultValueFactory = _ => 1 };
        var timings = new Option<bool>("--timings") { Description = "Print one JSON line of timings on stdout." };

        var command = new Command("cqt", "Compute the CQT of an audio file and write it as a NumPy .npy file.\nExample: cqtml cqt song.mp3 --out song.npy --png song.png")
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

            ValidateOptions(options, new Dictionary<string, Option>
            {
                [nameof(CqtOptions.SampleRate)] = sampleRate,
                [nameof(CqtOptions.HopLength)] = hop,
                [nameof(CqtOptions.BinCount)] = bins,
                [nameof(CqtOptions.BinsPerOctave)] = binsPerOctave,
                [nameof(CqtOptions.FMin)] = fmin,
                [nameof(CqtOptions.Channels)] = channels,
            });
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

    /// <summary>Validates the CQT options; an error names the flag (from <paramref name="flags"/>) that set the bad value.</summary>
    internal static void ValidateOptions(CqtOptions options, IReadOnlyDictionary<string, Option> flags)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw UsageException.ForOption(e, flags, e.ParamName ?? "option");
        }
    }
}
