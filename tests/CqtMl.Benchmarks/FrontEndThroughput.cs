using System.Diagnostics;
using System.Globalization;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;
using CqtMl.Audio.Resampling;

namespace CqtMl.Benchmarks;

/// <summary>
/// The audio front end per stage, in one process, warm (the median of 5 runs after 2 warm-ups): decode, mix to mono and
/// resample to 22,050 Hz, CQT of the mono signal, and the whole file -> CQT; against ffmpeg's decode + resample of the
/// same file (<c>ffmpeg -i x -ar 22050 -ac 1 -f f32le -</c>, whole process, wall and CPU time) when ffmpeg is on the
/// PATH. Real-time factors are audio seconds per second of wall time. The baseline of issue 14:
/// <c>dotnet run -c Release --project tests/CqtMl.Benchmarks -- frontend audio...</c>.
/// </summary>
internal static class FrontEndThroughput
{
    private const int WarmUps = 2, Runs = 5, TargetRate = 22050;

    public static void Run(TextWriter output, string[] files)
    {
        if (files.Length == 0)
        {
            throw new ArgumentException("usage: frontend audio [audio ...]");
        }

        var extractor = new CqtExtractor(new CqtOptions { SampleRate = TargetRate });
        output.WriteLine($"front end, {Environment.ProcessorCount} cores, median of {Runs} after {WarmUps} warm-ups; real-time factors in parentheses");
        output.WriteLine("| file | audio | decode | mono + resample | CQT (mono) | file -> CQT | ffmpeg decode + resample (wall / CPU) |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (string file in files)
        {
            AudioData audio = AudioDecoder.Decode(file);
            double seconds = audio.Duration;
            float[] mono = Resampler.Resample(audio.MixToMono(), audio.SampleRate, TargetRate);
            double decode = Median(() => AudioDecoder.Decode(file));
            double resample = Median(() => Resampler.Resample(audio.MixToMono(), audio.SampleRate, TargetRate));
            double cqt = Median(() => extractor.Compute(mono));
            double whole = Median(() =>
            {
                AudioData decoded = AudioDecoder.Decode(file);
                extractor.Compute(Resampler.Resample(decoded.MixToMono(), decoded.SampleRate, TargetRate));
            });
            string ffmpeg = Ffmpeg(file, seconds);
            string Cell(double s) => string.Create(CultureInfo.InvariantCulture, $"{s:F3} s ({seconds / s:F0}x)");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {Path.GetFileName(file)} | {seconds:F1} s, {audio.SampleRate} Hz x {audio.ChannelCount} | {Cell(decode)} | {Cell(resample)} | {Cell(cqt)} | {Cell(whole)} | {ffmpeg} |"));
        }
    }

    private static double Median(Action run)
    {
        for (int i = 0; i < WarmUps; i++)
        {
            run();
        }

        var times = new List<double>();
        for (int i = 0; i < Runs; i++)
        {
            var clock = Stopwatch.StartNew();
            run();
            times.Add(clock.Elapsed.TotalSeconds);
        }

        return times.Order().ElementAt(Runs / 2);
    }

    private static string Ffmpeg(string file, double seconds)
    {
        var walls = new List<double>();
        var cpus = new List<double>();
        for (int i = 0; i < WarmUps + Runs; i++)
        {
            // /usr/bin/time reports the child's CPU time (a reaped process's own counters are gone on Linux).
            var start = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in new[] { "-f", "cpu %U %S", "ffmpeg", "-v", "error", "-i", file, "-ar", "22050", "-ac", "1", "-f", "f32le", "-" })
            {
                start.ArgumentList.Add(a);
            }

            var clock = Stopwatch.StartNew();
            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return "no /usr/bin/time or ffmpeg";
            }

            using (process)
            {
                Task<string> errors = process.StandardError.ReadToEndAsync();
                process.StandardOutput.BaseStream.CopyTo(Stream.Null);
                process.WaitForExit();
                string[] times = errors.Result.Split('\n').Last(l => l.StartsWith("cpu ", StringComparison.Ordinal)).Split(' ');
                if (i >= WarmUps)
                {
                    walls.Add(clock.Elapsed.TotalSeconds);
                    cpus.Add(double.Parse(times[1], CultureInfo.InvariantCulture) + double.Parse(times[2], CultureInfo.InvariantCulture));
                }
            }
        }

        double wall = walls.Order().ElementAt(Runs / 2), cpu = cpus.Order().ElementAt(Runs / 2);
        return string.Create(CultureInfo.InvariantCulture, $"{wall:F3} s ({seconds / wall:F0}x) / {cpu:F3} s ({seconds / cpu:F0}x)");
    }
}
