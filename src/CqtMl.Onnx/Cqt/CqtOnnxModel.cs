using System.Globalization;
using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Proto;

namespace CqtMl.Onnx.Cqt;

/// <summary>How the ONNX CQT's input holds the audio.</summary>
public enum CqtOnnxInput
{
    /// <summary>Input <c>pcm</c> of shape <c>[1, samples]</c>: mono PCM at the CQT's sample rate.</summary>
    Mono = 0,

    /// <summary>Input <c>pcm</c> of shape <c>[1, 2 * samples]</c>: left channel, then right channel (planar stereo).</summary>
    PlanarStereo = 1,
}

/// <summary>
/// Builds the CQT of <see cref="CqtOptions"/> as one ONNX graph (opset 17): input <c>pcm</c>, output <c>cqt</c> of
/// shape <c>[2, bins, frames]</c> (<see cref="CqtChannels.Stereo"/>: |CQT| of left and right, mono duplicated;
/// <see cref="CqtChannels.Complex"/>: real and imaginary part of the mono mix), frames = 1 + samples / hop.
/// </summary>
/// <remarks>
/// Bins are grouped by the largest power-of-two decimation factor D (dividing the hop) whose Nyquist band still holds
/// each kernel's kept band with room for a 110 dB anti-aliasing filter; each group is a strided low-pass Conv followed
/// by a polyphase Conv with the decimated kernels. Standard operators only (Pad, Conv, Reshape, Transpose, Slice,
/// Concat, Gather, Mul, Add, Sqrt, Expand), so it runs on every ONNX Runtime execution provider.
/// </remarks>
public static class CqtOnnxModel
{
    /// <summary>The model kind written to the metadata.</summary>
    public const string Kind = "cqtml.cqt";

    /// <summary>The graph's version, written to the metadata.</summary>
    public const string Version = "1";

    /// <summary>Builds the model.</summary>
    /// <param name="options">The CQT parameters (validated).</param>
    /// <param name="input">How the input holds the audio.</param>
    /// <param name="maxDurationSeconds">When set, the audio is cropped or zero-padded to exactly this duration.</param>
    /// <param name="inputName">The name of the graph input. Default <c>pcm</c>.</param>
    /// <param name="outputName">The name of the graph output. Default <c>cqt</c>.</param>
    /// <returns>The ONNX file's bytes.</returns>
    public static byte[] Build(CqtOptions options, CqtOnnxInput input = CqtOnnxInput.Mono, double? maxDurationSeconds = null, string inputName = "pcm", string outputName = "cqt")
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (maxDurationSeconds is <= 0 or double.NaN)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDurationSeconds), maxDurationSeconds, "Must be positive.");
        }

        int hop = options.HopLength, bins = options.BinCount;
        List<DecimatedBinGroup> groups = Plan(options);

        // Left padding A = hop * Qa so that every kernel's last tap lies at or before the frame's row.
        long qa = groups.Max(g => CeilDiv(g.MaxEnd, hop)) + 1;
        var layout = groups.Select(g => Layout(g, hop, qa)).ToList();
        long dMax = layout.Max(l => l.D1) + 1;

        var graph = new OnnxGraph("cqt");
        // A leading batch dimension of 1 lets ML.NET's ONNX transform feed variable-length vectors.
        string pcm = input == CqtOnnxInput.Mono
            ? graph.Input(inputName, OnnxGraph.Float, 1L, "samples")
            : graph.Input(inputName, OnnxGraph.Float, 1L, "stereo_samples");
        string signal = input == CqtOnnxInput.Mono
            ? pcm
            : graph.Node("Reshape", new[] { pcm, graph.Constant(new long[] { 2, -1 }, 2) });
        if (options.Channels == CqtChannels.Complex)
        {
            signal = graph.Node("ReduceMean", new[] { signal }, attributes: new[] { OnnxAttribute.Ints("axes", 0), OnnxAttribute.Int("keepdims", 1) });
        }

        if (maxDurationSeconds is double seconds)
        {
            long fixedLength = options.SampleCountOf(seconds);
            string padded = graph.Node("Pad", new[] { signal, graph.Constant(new long[] { 0, 0, 0, fixedLength }, 4) });
            signal = graph.Node("Slice", new[] { padded, graph.Constant(new long[] { 0 }, 1), graph.Constant(new[] { fixedLength }, 1), graph.Constant(new long[] { 1 }, 1) });
        }

        // N, T = 1 + N / hop, and the right padding hop * (T + dMax) - A - N.
        string shape = graph.Node("Shape", new[] { signal });
        string n = graph.Node("Gather", new[] { shape, graph.Constant(new long[] { 1 }, 1) }, attributes: OnnxAttribute.Int("axis", 0));
        string t = graph.Node("Add", new[] { graph.Node("Div", new[] { n, graph.Constant(new long[] { hop }, 1) }), graph.Constant(new long[] { 1 }, 1) });
        string total = graph.Node("Mul", new[] { graph.Node("Add", new[] { t, graph.Constant(new[] { dMax }, 1) }), graph.Constant(new long[] { hop }, 1) });
        string right = graph.Node("Sub", new[] { graph.Node("Sub", new[] { total, graph.Constant(new[] { hop * qa }, 1) }), n });
        string pads = graph.Node("Concat", new[] { graph.Constant(new long[] { 0, hop * qa, 0 }, 3), right }, attributes: OnnxAttribute.Int("axis", 0));
        string z = graph.Node("Unsqueeze", new[] { graph.Node("Pad", new[] { signal, pads }), graph.Constant(new long[] { 1 }, 1) });

        var outputs = new List<string>();
        var order = new List<int>();
        for (int g = 0; g < groups.Count; g++)
        {
            outputs.Add(GroupOutput(graph, groups[g], layout[g], qa, z, t, hop));
            order.AddRange(groups[g].Bins);
        }

        // Channels come out as [re of group 0, im of group 0, re of group 1, ...]: gather them into [re 0.., im 0..].
        var permutation = new long[2 * bins];
        int offset = 0;
        foreach (DecimatedBinGroup group in groups)
        {
            for (int b = 0; b < group.Bins.Length; b++)
            {
                permutation[group.Bins[b]] = offset + b;
                permutation[bins + group.Bins[b]] = offset + group.Bins.Length + b;
            }

            offset += 2 * group.Bins.Length;
        }

        string all = outputs.Count == 1 ? outputs[0] : graph.Node("Concat", outputs.ToArray(), attributes: OnnxAttribute.Int("axis", 1));
        string ordered = graph.Node("Gather", new[] { all, graph.Constant(permutation, permutation.Length) }, attributes: OnnxAttribute.Int("axis", 1));
        string result;
        if (options.Channels == CqtChannels.Complex)
        {
            result = graph.Node("Reshape", new[] { ordered, graph.Constant(new long[] { 2, bins, -1 }, 3) });
        }
        else
        {
            string re = graph.Node("Slice", new[] { ordered, graph.Constant(new long[] { 0 }, 1), graph.Constant(new long[] { bins }, 1), graph.Constant(new long[] { 1 }, 1) });
            string im = graph.Node("Slice", new[] { ordered, graph.Constant(new long[] { bins }, 1), graph.Constant(new long[] { 2 * bins }, 1), graph.Constant(new long[] { 1 }, 1) });
            string power = graph.Node("Add", new[] { graph.Node("Mul", new[] { re, re }), graph.Node("Mul", new[] { im, im }) });
            string magnitude = graph.Node("Sqrt", new[] { power });
            result = graph.Node("Expand", new[] { magnitude, graph.Constant(new long[] { 2, 1, 1 }, 3) });
        }

        object frames = maxDurationSeconds is double d ? (object)(1 + (options.SampleCountOf(d) / hop)) : "frames";
        graph.Output(outputName, result, OnnxGraph.Float, 2L, (long)bins, frames);
        return graph.ToModel(Metadata(options, input, maxDurationSeconds));
    }

    /// <summary>
    /// Builds the ONNX graph that only gives a computed CQT its shape: the flat values <c>[1, 2 * bins * T]</c> reshaped
    /// to <c>[2, bins, T]</c> (<c>T</c> fixed when <paramref name="maxDurationSeconds"/> is). ML.NET's ONNX transform
    /// then types the column with those dimensions, and a saved model keeps them, as it does for <see cref="Build"/>.
    /// </summary>
    /// <param name="options">The CQT's parameters.</param>
    /// <param name="maxDurationSeconds">The fixed duration, or null for a variable frame count.</param>
    /// <param name="inputName">The graph input's name.</param>
    /// <param name="outputName">The graph output's name.</param>
    /// <returns>The ONNX file's bytes.</returns>
    public static byte[] BuildShape(CqtOptions options, double? maxDurationSeconds, string inputName, string outputName)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var graph = new OnnxGraph("cqt_shape");
        string flat = graph.Input(inputName, OnnxGraph.Float, 1L, "values");
        string shaped = graph.Node("Reshape", new[] { flat, graph.Constant(new long[] { 2, options.BinCount, -1 }, 3) });
        object frames = maxDurationSeconds is double d ? (object)(1 + (options.SampleCountOf(d) / options.HopLength)) : "frames";
        graph.Output(outputName, shaped, OnnxGraph.Float, 2L, (long)options.BinCount, frames);
        return graph.ToModel(Metadata(options, CqtOnnxInput.Mono, maxDurationSeconds));
    }

    internal static List<DecimatedBinGroup> Plan(CqtOptions options)
    {
        int hop = options.HopLength, sr = options.SampleRate;
        var factors = new Dictionary<int, List<(int, CqtKernel)>>();
        for (int k = 0; k < options.BinCount; k++)
        {
            CqtKernel kernel = CqtKernel.Create(options, k);
            double pass = DecimatedBinGroup.PassBand(kernel, sr);
            int d = 1;
            while (hop % (2 * d) == 0 && pass <= 0.4 * sr / (2 * d))
            {
                d *= 2;
            }

            if (!factors.TryGetValue(d, out var list))
            {
                factors[d] = list = new List<(int, CqtKernel)>();
            }

            list.Add((k, kernel));
        }

        return factors.OrderByDescending(f => f.Key).Select(f => new DecimatedBinGroup(options, f.Key, f.Value)).ToList();
    }

    private static (long D0, long D1) Layout(DecimatedBinGroup group, int hop, long qa)
    {
        long hopD = hop / group.Factor;
        long d0 = long.MaxValue, d1 = long.MinValue;
        foreach (var (first, re, _) in group.Kernels)
        {
            long last = first + re.Length - 1;
            d0 = Math.Min(d0, ((hopD * qa) - last) / hopD);
            d1 = Math.Max(d1, ((hopD * qa) - first) / hopD);
        }

        return (d0, d1);
    }

    private static string GroupOutput(OnnxGraph graph, DecimatedBinGroup group, (long D0, long D1) layout, long qa, string z, string t, int hop)
    {
        int d = group.Factor, hopD = hop / d, count = group.Bins.Length;
        string decimated = z;
        if (d > 1)
        {
            int half = group.Lowpass.Length / 2;
            string w = graph.Constant(group.Lowpass.Select(v => (float)v).ToArray(), 1, 1, group.Lowpass.Length);
            decimated = graph.Node("Conv", new[] { z, w }, attributes: new[] { OnnxAttribute.Ints("strides", d), OnnxAttribute.Ints("pads", half, half) });
        }

        // Polyphase rows: X[c, r] = y_d[hopD * r + c], rows D0 .. D1 + T - 1.
        string end = graph.Node("Mul", new[] { graph.Node("Add", new[] { t, graph.Constant(new[] { layout.D1 }, 1) }), graph.Constant(new long[] { hopD }, 1) });
        string used = graph.Node("Slice", new[] { decimated, graph.Constant(new long[] { 0 }, 1), end, graph.Constant(new long[] { 2 }, 1) });
        string rows = graph.Node("Transpose", new[] { graph.Node("Reshape", new[] { used, graph.Constant(new long[] { 0, -1, hopD }, 3) }) }, attributes: OnnxAttribute.Ints("perm", 0, 2, 1));
        string window = graph.Node("Slice", new[] { rows, graph.Constant(new[] { layout.D0 }, 1), graph.Constant(new[] { long.MaxValue }, 1), graph.Constant(new long[] { 2 }, 1) });

        // W[o, c, dd] = h'(hopD * (Qa - d) - c) with d = D0 + dd; o: the bins' real parts, then their imaginary parts.
        long taps = layout.D1 - layout.D0 + 1;
        var weights = new float[2 * count * hopD * taps];
        for (int b = 0; b < count; b++)
        {
            var (first, re, im) = group.Kernels[b];
            for (int i = 0; i < re.Length; i++)
            {
                long j = first + i;
                long u = (hopD * qa) - j;
                long dd = (u / hopD) - layout.D0, c = u % hopD;
                weights[((b * hopD) + c) * taps + dd] = (float)re[i];
                weights[(((count + b) * hopD) + c) * taps + dd] = (float)im[i];
            }
        }

        string kernel = graph.Constant(weights, 2 * count, hopD, taps);
        return graph.Node("Conv", new[] { window, kernel });
    }

    private static Dictionary<string, string> Metadata(CqtOptions options, CqtOnnxInput input, double? maxDuration)
    {
        Dictionary<string, string> metadata = CqtMetadata.Write(options);
        metadata["model_kind"] = Kind;
        metadata["model_version"] = Version;
        metadata["input"] = input.ToString();
        metadata["max_duration_seconds"] = maxDuration?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty;
        return metadata;
    }

    private static long CeilDiv(long a, long b) => a >= 0 ? (a + b - 1) / b : -(-a / b);
}
