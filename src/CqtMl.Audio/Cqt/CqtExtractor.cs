using System.Collections.Concurrent;
using System.Runtime.Intrinsics;

namespace CqtMl.Audio.Cqt;

/// <summary>
/// Computes the Constant-Q Transform of librosa's definition (see <see cref="CqtOptions"/>) exactly to within about
/// 1e-5 relative error, block by block, on several threads.
/// </summary>
/// <remarks>
/// <para>An extractor is immutable and thread-safe: one instance may be used from several threads at once. Each call
/// takes its scratch buffers from a small internal pool. Plans (kernels and their spectra) are built once per distinct
/// set of parameters and shared.</para>
/// <para>Frame <c>m</c> is centred on sample <c>m * hop</c>; the signal is zero outside its extent; a signal of
/// <c>n</c> samples has <c>1 + n / hop</c> frames. For signals that do not fit in memory use
/// <see cref="CreateStream"/>.</para>
/// </remarks>
public sealed class CqtExtractor
{
    private readonly ConcurrentBag<CqtPlan.Workspace> _workspaces = new();

    /// <summary>Initializes an extractor, validating <paramref name="options"/> and building (or reusing) its plan.</summary>
    /// <param name="options">The CQT parameters; null means the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range (the message names it).</exception>
    public CqtExtractor(CqtOptions? options = null)
    {
        Options = options ?? new CqtOptions();
        Options.Validate();
        Plan = CqtPlan.For(Options);
    }

    /// <summary>Gets the options.</summary>
    public CqtOptions Options { get; }

    /// <summary>Gets the number of bins.</summary>
    public int BinCount => Options.BinCount;

    internal CqtPlan Plan { get; }

    private int Parallelism => Options.MaxDegreeOfParallelism ?? Environment.ProcessorCount;

    /// <summary>
    /// Computes the CQT of a mono signal. Returns magnitudes <c>[bins, frames]</c> or, when
    /// <see cref="CqtOptions.Output"/> is <see cref="CqtOutput.Complex"/>, interleaved complex values <c>[bins, frames, 2]</c>.
    /// </summary>
    /// <param name="signal">The samples at <see cref="CqtOptions.SampleRate"/>.</param>
    /// <returns>A new array as described.</returns>
    public float[] Compute(ReadOnlySpan<float> signal)
    {
        int size = BinCount * Options.FrameCount(signal.Length);
        if (Options.Output == CqtOutput.Magnitude)
        {
            var magnitude = new float[size];
            Run(signal, default, magnitude, default, Layout.Magnitude);
            return magnitude;
        }

        var interleaved = new float[2 * size];
        Run(signal, default, interleaved, default, Layout.Interleaved);
        return interleaved;
    }

    /// <summary>
    /// Computes the complex CQT of a mono signal into <paramref name="real"/> and <paramref name="imaginary"/>, each laid
    /// out <c>[bins, frames]</c> with <c>frames = 1 + signal.Length / hop</c>.
    /// </summary>
    /// <param name="signal">The samples at <see cref="CqtOptions.SampleRate"/>.</param>
    /// <param name="real">Receives the real parts.</param>
    /// <param name="imaginary">Receives the imaginary parts.</param>
    public void ComputeComplex(ReadOnlySpan<float> signal, Span<float> real, Span<float> imaginary)
    {
        int size = BinCount * Options.FrameCount(signal.Length);
        if (real.Length < size || imaginary.Length < size)
        {
            throw new ArgumentException($"Output buffers must hold {size} values ({BinCount} bins x {size / BinCount} frames).");
        }

        Run(signal, default, real, imaginary, Layout.Split);
    }

    /// <summary>
    /// Computes the two-channel CQT tensor <c>[2, bins, frames]</c> of a multichannel signal, as
    /// <see cref="CqtOptions.Channels"/> says: magnitudes of the first two channels (mono duplicated), or real and
    /// imaginary part of the CQT of the mono mix (the mean of all channels).
    /// </summary>
    /// <param name="channels">One array of samples per channel, all of the same length, at the CQT's sample rate.</param>
    /// <returns>The tensor, row-major.</returns>
    public float[] ComputeTensor(IReadOnlyList<float[]> channels)
    {
        int plane = BinCount * Options.FrameCount(CheckChannels(channels));
        var tensor = new float[2 * plane];
        ComputeTensor(channels, tensor);
        return tensor;
    }

    /// <summary>
    /// Computes the two-channel CQT tensor <c>[2, bins, frames]</c> into <paramref name="tensor"/>, as
    /// <see cref="ComputeTensor(IReadOnlyList{float[]})"/> does, without allocating the result.
    /// </summary>
    /// <param name="channels">One array of samples per channel, all of the same length, at the CQT's sample rate.</param>
    /// <param name="tensor">Receives the tensor; at least <c>2 * bins * frames</c> values.</param>
    public void ComputeTensor(IReadOnlyList<float[]> channels, Span<float> tensor)
    {
        int length = CheckChannels(channels);
        int plane = BinCount * Options.FrameCount(length);
        if (tensor.Length < 2 * plane)
        {
            throw new ArgumentException($"The tensor buffer must hold 2 x {BinCount} x {plane / BinCount} values.", nameof(tensor));
        }

        if (Options.Channels == CqtChannels.Complex)
        {
            float[] mono = channels.Count == 1 ? channels[0] : MixToMono(channels);
            Run(mono, default, tensor[..plane], tensor.Slice(plane, plane), Layout.Split);
        }
        else if (channels.Count == 1)
        {
            Run(channels[0], default, tensor[..plane], default, Layout.Magnitude);
            tensor[..plane].CopyTo(tensor.Slice(plane, plane));
        }
        else
        {
            Run(channels[0], channels[1], tensor[..plane], tensor.Slice(plane, plane), Layout.MagnitudePair);
        }
    }

    /// <summary>Creates a streaming transform that emits frames in blocks as samples arrive.</summary>
    /// <returns>A new stream; not thread-safe itself (use one per thread), it may share this extractor.</returns>
    public CqtStream CreateStream() => new(this);

    /// <summary>The mean of a CQT tensor's two planes, <c>[2, bins, T]</c> -> <c>[bins, T]</c> (for a heatmap of both channels).</summary>
    /// <param name="tensor">The tensor, row-major, as <c>ComputeTensor</c> makes it.</param>
    /// <returns>The mean plane.</returns>
    public static float[] ChannelMean(ReadOnlySpan<float> tensor)
    {
        if (tensor.Length % 2 != 0)
        {
            throw new ArgumentException($"A CQT tensor [2, bins, T] has an even number of values, got {tensor.Length}.", nameof(tensor));
        }

        int plane = tensor.Length / 2;
        var mean = new float[plane];
        for (int i = 0; i < plane; i++)
        {
            mean[i] = 0.5f * (tensor[i] + tensor[plane + i]);
        }

        return mean;
    }

    /// <summary>Averages channels into one mono signal.</summary>
    /// <param name="channels">Equal-length channels.</param>
    /// <returns>The mean of the channels, sample by sample.</returns>
    public static float[] MixToMono(IReadOnlyList<float[]> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        var mono = new float[channels[0].Length];
        foreach (float[] channel in channels)
        {
            for (int i = 0; i < mono.Length; i++)
            {
                mono[i] += channel[i];
            }
        }

        float scale = 1f / channels.Count;
        for (int i = 0; i < mono.Length; i++)
        {
            mono[i] *= scale;
        }

        return mono;
    }

    private static int CheckChannels(IReadOnlyList<float[]> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Count == 0)
        {
            throw new ArgumentException("At least one channel is required.", nameof(channels));
        }

        int length = channels[0]?.Length ?? 0;
        if (channels.Any(c => c is null || c.Length != length))
        {
            throw new ArgumentException("All channels must be non-null and of the same length.", nameof(channels));
        }

        return length;
    }

    internal static void Magnitude(ReadOnlySpan<float> re, ReadOnlySpan<float> im, Span<float> magnitude)
    {
        int i = 0;
        for (; i + Vector256<float>.Count <= re.Length; i += Vector256<float>.Count)
        {
            var r = Vector256.Create(re.Slice(i, Vector256<float>.Count));
            var m = Vector256.Create(im.Slice(i, Vector256<float>.Count));
            Vector256.Sqrt(r * r + m * m).CopyTo(magnitude.Slice(i));
        }

        for (; i < re.Length; i++)
        {
            magnitude[i] = MathF.Sqrt(re[i] * re[i] + im[i] * im[i]);
        }
    }

    /// <summary>
    /// Computes one or two signals span by span on the thread pool and writes each span's rows where
    /// <paramref name="layout"/> says: split (re, im), interleaved, magnitude, or the magnitudes of a pair of signals.
    /// </summary>
    private unsafe void Run(ReadOnlySpan<float> first, ReadOnlySpan<float> second, Span<float> outA, Span<float> outB, Layout layout)
    {
        int length = first.Length, frames = Options.FrameCount(length), bins = BinCount;
        int spanFrames = Plan.SpanFrames;
        int spans = (frames + spanFrames - 1) / spanFrames;
        int signals = layout == Layout.MagnitudePair ? 2 : 1;

        // The buffers stay pinned while the parallel loop runs; its bodies rebuild spans from the pointers.
        fixed (float* pFirst = first, pSecond = second, pA = outA, pB = outB)
        {
            nint firstAt = (nint)pFirst, secondAt = (nint)pSecond, aAt = (nint)pA, bAt = (nint)pB;
            int aLength = outA.Length, bLength = outB.Length;
            Parallel.For(
                0,
                spans * signals,
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
                RentWorkspace,
                (item, _, work) =>
                {
                    int signal = item / spans, start = item % spans * spanFrames;
                    int count = Math.Min(spanFrames, frames - start);
                    var samples = new ReadOnlySpan<float>((float*)(signal == 0 ? firstAt : secondAt), length);
                    Plan.ProcessSpan(samples, 0, start, count, work);
                    var a = new Span<float>((float*)aAt, aLength);
                    var b = new Span<float>((float*)bAt, bLength);
                    for (int k = 0; k < bins; k++)
                    {
                        var re = work.SpanRe.AsSpan(k * count, count);
                        var im = work.SpanIm.AsSpan(k * count, count);
                        int at = k * frames + start;
                        switch (layout)
                        {
                            case Layout.Split:
                                re.CopyTo(a[at..]);
                                im.CopyTo(b[at..]);
                                break;
                            case Layout.Interleaved:
                                for (int f = 0; f < count; f++)
                                {
                                    a[2 * (at + f)] = re[f];
                                    a[2 * (at + f) + 1] = im[f];
                                }

                                break;
                            default:
                                Magnitude(re, im, (signal == 0 ? a : b)[at..]);
                                break;
                        }
                    }

                    return work;
                },
                ReturnWorkspace);
        }
    }

    internal CqtPlan.Workspace RentWorkspace() => _workspaces.TryTake(out var work) ? work : Plan.CreateWorkspace();

    internal void ReturnWorkspace(CqtPlan.Workspace work)
    {
        if (_workspaces.Count < Environment.ProcessorCount)
        {
            _workspaces.Add(work);
        }
    }

    private enum Layout
    {
        Split,
        Interleaved,
        Magnitude,
        MagnitudePair,
    }
}
