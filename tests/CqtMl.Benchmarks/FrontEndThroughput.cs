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
    private const int WarmUps = 5, Runs = 7, TargetRate = 22050;

    public static void Run(TextWriter output, string[] files)
    {
        if (files.Length == 0)
        {
            throw new ArgumentException("usage: frontend audio [audio ...]");
        }

        // One thread for the CQT: every figure is per core (the decoders and the resampler use one anyway).
        var extractor = new CqtExtractor(new CqtOptions { SampleRate = TargetRate, MaxDegreeOfParallelism = 1 });
        var monoCqt = new CqtExtractor(new CqtOptions { SampleRate = TargetRate, Channels = CqtChannels.Complex, MaxDegreeOfParallelism = 1 });
        output.WriteLine($"front end, one core, median of {Runs} after {WarmUps} warm-ups; real-time factors in parentheses; {AudioDecoder.DecoderDescription}");
        output.WriteLine("| file | audio | decode | decode (managed) | mono + resample | CQT (mono) | file -> mono CQT (streamed) | file -> stereo CQT (streamed) | ffmpeg decode + resample (wall / CPU) | librosa load + cqt |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string file in files)
        {
            AudioData audio = AudioDecoder.Decode(file);
            double seconds = audio.Duration;
            float[] mono = Resampler.Resample(audio.MixToMono(), audio.SampleRate, TargetRate);
            double decode = Median(() => AudioDecoder.Decode(file));
            // NVorbis decodes frozen-bubble to its end, then refuses it (its granule positions disagree with the packets).
            double managed = Median(() =>
            {
                using AudioReader reader = AudioDecoder.OpenManaged(file);
                try
                {
                    reader.ReadAll();
                }
                catch (AudioFormatException e) when (e.IsDecoderLimitation)
                {
                }
            });
            double resample = Median(() => Resampler.Resample(audio.MixToMono(), audio.SampleRate, TargetRate));
            double cqt = Median(() => monoCqt.Compute(mono));
            double wholeMono = Median(() => AudioCqtStream.ComputeTensor(file, monoCqt));
            double wholeStereo = Median(() => AudioCqtStream.ComputeTensor(file, extractor));
            string ffmpeg = Ffmpeg(file, seconds);
            string librosa = Librosa(file, seconds);
            string Cell(double s) => string.Create(CultureInfo.InvariantCulture, $"{s:F3} s ({seconds / s:F0}x)");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {Path.GetFileName(file)} | {seconds:F1} s, {audio.SampleRate} Hz x {audio.ChannelCount} | {Cell(decode)} | {Cell(managed)} | {Cell(resample)} | {Cell(cqt)} | {Cell(wholeMono)} | {Cell(wholeStereo)} | {ffmpeg} | {librosa} |"));
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

    /// <summary>librosa's <c>load(sr=22050, mono=True)</c> + <c>cqt(hop_length=64, n_bins=84)</c>, median of 3 after a warm-up, or why not.</summary>
    private static string Librosa(string file, double seconds)
    {
        const string Script = "import sys, time, statistics\ntry:\n    import librosa\nexcept ImportError:\n    print('not installed'); sys.exit(0)\n"
            + "def run():\n    y, sr = librosa.load(sys.argv[1], sr=22050, mono=True)\n    librosa.cqt(y, sr=sr, hop_length=64, n_bins=84)\n"
            + "run()\ntimes = []\nfor _ in range(3):\n    t = time.perf_counter(); run(); times.append(time.perf_counter() - t)\nprint(statistics.median(times))\n";
        try
        {
            var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(Script);
            start.ArgumentList.Add(file);
            using Process process = Process.Start(start)!;
            Task<string> errors = process.StandardError.ReadToEndAsync();
            string text = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double s)
                ? string.Create(CultureInfo.InvariantCulture, $"{s:F3} s ({seconds / s:F0}x)")
                : text.Length > 0 ? $"librosa {text}" : $"failed: {errors.Result.Split('\n').LastOrDefault(l => l.Length > 0)}";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "no python3";
        }
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
