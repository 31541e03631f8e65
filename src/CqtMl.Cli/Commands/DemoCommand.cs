using System.CommandLine;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.IO;
using CqtMl.Audio.Synthesis;

namespace CqtMl.Cli.Commands;

/// <summary>
/// <c>cqtml demo</c>: the main job on built-in data. Synthesizes a few seconds of notes, writes them as a WAV file,
/// decodes that file, computes its CQT and writes the tensor (.npy) and a heatmap (.png) into an output folder.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter stdout)
    {
        var output = new Option<string>("--out") { Description = "Output folder.", DefaultValueFactory = _ => "cqtml-demo" };
        var command = new Command("demo", "Run the main job on built-in audio: synthesize, decode, CQT, write .npy and .png.") { output };
        command.SetAction(parse =>
        {
            string folder = Path.GetFullPath(parse.GetValue(output)!);
            Directory.CreateDirectory(folder);
            const int SourceRate = 44100;
            float[] left = NoteSynth.Render(NoteSynth.DemoTune, SourceRate, 6.5);
            float[] right = NoteSynth.Render(NoteSynth.DemoTune.Where(n => n.Midi >= 48), SourceRate, 6.5);
            string wav = Path.Combine(folder, "demo.wav");
            WavWriter.WriteFloat32(wav, SourceRate, left, right);

            var options = new CqtOptions();
            string npy = Path.Combine(folder, "demo-cqt.npy");
            string png = Path.Combine(folder, "demo-cqt.png");
            new CqtJob(options, wav, npy, png).RunStreaming();
            int frames = options.FrameCount(new Audio.Resampling.Resampler(SourceRate, options.SampleRate).OutputLength(left.Length));
            stdout.WriteLine($"cqtml demo: synthesized {left.Length / (double)SourceRate:0.##} s of stereo notes at {SourceRate} Hz -> {wav}");
            stdout.WriteLine($"  CQT [2, {options.BinCount}, {frames}] (sr {options.SampleRate}, hop {options.HopLength}, fmin C1, {options.BinsPerOctave} bins/octave) -> {npy}");
            stdout.WriteLine($"  heatmap -> {png}");
            stdout.WriteLine($"Output folder: {folder}");
            return Program.Success;
        });
        return command;
    }
}
