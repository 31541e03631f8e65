using System.Diagnostics;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;
using CqtMl.Audio.IO;
using CqtMl.Plots;

namespace CqtMl.Cli.Commands;

/// <summary>One run of <c>cqtml cqt</c>: input file to .npy (and PNG), streaming or timed.</summary>
internal sealed class CqtJob(CqtOptions options, string input, string output, string? png)
{
    private const int PngColumns = 2000;

    private readonly CqtExtractor _extractor = new(options);

    /// <summary>Streams decode, resample, CQT and writing: memory does not grow with the file's length.</summary>
    public CqtTimings? RunStreaming()
    {
        CheckTargets();
        try
        {
            RunStreaming(AudioDecoder.Open(input));
        }
        catch (AudioFormatException e) when (e.IsDecoderLimitation && FfmpegReader.IsAvailable)
        {
            RunStreaming(FfmpegReader.Open(input));
        }

        return null;
    }

    /// <summary>Decodes into memory, then times the CQT: one warm-up and <paramref name="repeats"/> measured runs.</summary>
    public CqtTimings RunTimed(int repeats)
    {
        CheckTargets();
        var clock = Stopwatch.StartNew();
        float[][] channels = AudioDecoder.Decode(input, options.SampleRate).Channels;

        double decodeSeconds = clock.Elapsed.TotalSeconds;
        float[] tensor = _extractor.ComputeTensor(channels);
        var times = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            clock.Restart();
            _extractor.ComputeTensor(channels, tensor);
            times[r] = clock.Elapsed.TotalSeconds;
        }

        Array.Sort(times);
        double median = repeats % 2 == 1 ? times[repeats / 2] : 0.5 * (times[(repeats / 2) - 1] + times[repeats / 2]);
        int frames = options.FrameCount(channels[0].Length);
        using PendingFile npy = NpyWriter.Prepare(output, tensor, 2, options.BinCount, frames);
        using PendingFile? plot = png is null ? null : WritePng(tensor.AsSpan(0, options.BinCount * frames), frames, 1);
        AtomicFile.CommitAll(npy, plot);

        return new CqtTimings((double)channels[0].Length / options.SampleRate, decodeSeconds, median);
    }

    private void RunStreaming(AudioReader reader)
    {
        using var stream = new AudioCqtStream(reader, _extractor);
        int bins = options.BinCount, frames = stream.FrameCount;
        int pool = Math.Max(1, (frames + PngColumns - 1) / PngColumns);
        float[]? pooled = png is null ? null : new float[bins * ((frames + pool - 1) / pool)];
        using var writer = new NpyWriter(output, new long[] { 2, bins, frames });
        int written = 0;
        foreach (CqtTensorBlock block in stream.ReadBlocks())
        {
            for (int k = 0; k < bins; k++)
            {
                writer.Write(((long)k * frames) + block.FirstFrame, block.Channel0.AsSpan(k * block.FrameCount, block.FrameCount));
                writer.Write(((long)(bins + k) * frames) + block.FirstFrame, block.Channel1.AsSpan(k * block.FrameCount, block.FrameCount));
            }

            if (pooled is not null)
            {
                Pool(block, pooled, pool, (frames + pool - 1) / pool);
            }

            written += block.FrameCount;
        }

        if (written != frames)
        {
            throw new InvalidOperationException($"internal error: {written} of {frames} frames produced");
        }

        using PendingFile npy = writer.Complete();
        using PendingFile? plot = pooled is null ? null : WritePng(pooled, (frames + pool - 1) / pool, pool);
        AtomicFile.CommitAll(npy, plot);
    }

    /// <summary>Fails before any work when an output path names a folder.</summary>
    private void CheckTargets()
    {
        AtomicFile.CheckTarget(output);
        if (png is not null)
        {
            AtomicFile.CheckTarget(png);
        }
    }

    private void Pool(CqtTensorBlock block, float[] pooled, int pool, int columns)
    {
        bool complex = options.Channels == CqtChannels.Complex;
        for (int k = 0; k < options.BinCount; k++)
        {
            for (int f = 0; f < block.FrameCount; f++)
            {
                int at = (k * block.FrameCount) + f;
                float value = complex ? MathF.Abs(block.Channel0[at]) : block.Channel0[at];
                int column = (block.FirstFrame + f) / pool;
                ref float cell = ref pooled[(k * columns) + column];
                cell = Math.Max(cell, value);
            }
        }
    }

    private PendingFile WritePng(ReadOnlySpan<float> channel0, int columns, int pool)
    {
        // For complex output channel 0 is the real part: show its magnitude.
        float[] magnitude = channel0.ToArray();
        for (int i = 0; i < magnitude.Length; i++)
        {
            magnitude[i] = Math.Abs(magnitude[i]);
        }

        string what = options.Channels == CqtChannels.Complex ? "|Re CQT| (mono mix)" : "|CQT| left";
        return AtomicFile.Prepare(png!, temp => CqtHeatmap.SavePng(temp, magnitude, options.BinCount, columns, (double)options.SampleRate / options.HopLength / pool, options.FMin, options.BinsPerOctave, $"{Path.GetFileName(input)}: {what}"));
    }
}
