using System.Collections.Concurrent;

namespace CqtMl.Audio.Cqt;

/// <summary>
/// The precomputed work plan of a CQT: the bins' kernels partitioned into <see cref="BlockGroup"/>s of about an
/// octave each, and the frame ranges ("spans") in which output is produced.
/// </summary>
/// <remarks>
/// The only approximation anywhere is the spectral tail each spectral bin discards (relative kernel energy at most
/// <see cref="TailEnergy"/>, about 1e-5 in amplitude); direct bins are exact. Plans are immutable, cached per
/// parameter set and thread-safe.
/// </remarks>
internal sealed class CqtPlan
{
    /// <summary>Relative kernel energy allowed outside the kept spectral band.</summary>
    internal const double TailEnergy = 1e-10;

    /// <summary>Kernel spectrum magnitudes above this fraction of the peak are always kept.</summary>
    internal const double PeakFloor = 3e-7;

    /// <summary>Ratio of the longest to the shortest filter within one group.</summary>
    internal const int GroupSpan = 8;

    private static readonly ConcurrentDictionary<CqtOptions, Lazy<CqtPlan>> Cache = new();

    private CqtPlan(CqtOptions options)
    {
        Options = options;
        var kernels = Enumerable.Range(0, options.BinCount).Select(k => (Bin: k, Kernel: CqtKernel.Create(options, k))).ToList();

        // Bins from the longest filter down; a new group starts when filters get 8 times shorter than the group's
        // longest: fewer groups mean fewer block FFTs per sample, shorter groups keep kernel spectra in cache.
        var groups = new List<BlockGroup>();
        var members = new List<(int Bin, CqtKernel Kernel)>();
        foreach (var entry in kernels.OrderByDescending(k => k.Kernel.TapCount))
        {
            if (members.Count > 0 && entry.Kernel.TapCount * GroupSpan < members[0].Kernel.TapCount)
            {
                groups.Add(new BlockGroup(options, members));
                members = new List<(int Bin, CqtKernel Kernel)>();
            }

            members.Add(entry);
        }

        groups.Add(new BlockGroup(options, members));
        Groups = groups.ToArray();
        SpanFrames = Groups.Max(g => g.FramesPerBlock);
    }

    /// <summary>Gets the options the plan was made for.</summary>
    public CqtOptions Options { get; }

    /// <summary>Gets the groups, longest filters first.</summary>
    public BlockGroup[] Groups { get; }

    /// <summary>Gets the number of frames produced per span (the largest group's frames per block).</summary>
    public int SpanFrames { get; }

    /// <summary>Gets the cached plan for <paramref name="options"/>, building it once.</summary>
    public static CqtPlan For(CqtOptions options)
    {
        // Parallelism, output kind and channel mode do not change the plan; normalise them out of the cache key.
        CqtOptions key = options with { MaxDegreeOfParallelism = null, Output = CqtOutput.Magnitude, Channels = CqtChannels.Stereo };
        return Cache.GetOrAdd(key, k => new Lazy<CqtPlan>(() => new CqtPlan(k))).Value;
    }

    /// <summary>Creates the scratch buffers one thread needs.</summary>
    public Workspace CreateWorkspace() => new(this);

    /// <summary>Gets the first sample (may be negative) needed to compute frames from <paramref name="firstFrame"/> on.</summary>
    public long FirstSampleNeeded(long firstFrame) => Groups.Min(g => g.BlockStart(firstFrame / g.FramesPerBlock));

    /// <summary>Gets the sample after the last one needed to compute frames before <paramref name="endFrame"/>.</summary>
    public long EndSampleNeeded(long endFrame) => Groups.Max(g => g.BlockStart((endFrame - 1) / g.FramesPerBlock) + g.BlockLength);

    /// <summary>
    /// Computes frames <c>[firstFrame, firstFrame + count)</c> (count at most <see cref="SpanFrames"/>) of every bin
    /// into <c>work.SpanRe/SpanIm[bin * count + f]</c>, reading the signal from <paramref name="window"/>, which holds
    /// samples from <paramref name="windowStart"/> on (zero elsewhere).
    /// </summary>
    public void ProcessSpan(ReadOnlySpan<float> window, long windowStart, long firstFrame, int count, Workspace work)
    {
        Span<float> re = work.SpanRe, im = work.SpanIm;
        int rowStride = count;
        long endFrame = firstFrame + count;
        for (int g = 0; g < Groups.Length; g++)
        {
            BlockGroup group = Groups[g];
            BlockGroup.Workspace groupWork = work.Groups[g];
            int perBlock = group.FramesPerBlock;
            for (long b = firstFrame / perBlock; b * perBlock < endFrame; b++)
            {
                long blockFirst = b * perBlock;
                int from = (int)Math.Max(0, firstFrame - blockFirst);
                int to = (int)Math.Min(perBlock, endFrame - blockFirst);
                FillBlock(groupWork.Block, window, group.BlockStart(b) - windowStart, group.BlockLength);
                int offset = (int)(blockFirst + from - firstFrame);
                group.ProcessBlock(groupWork, from, to, re[offset..], im[offset..], rowStride);
            }
        }
    }

    /// <summary>Copies <paramref name="window"/>[start, start + length) into <paramref name="block"/>, zero outside.</summary>
    internal static void FillBlock(float[] block, ReadOnlySpan<float> window, long start, int length)
    {
        Array.Clear(block);
        long from = Math.Max(0, start), to = Math.Min(window.Length, start + length);
        if (to > from)
        {
            window[(int)from..(int)to].CopyTo(block.AsSpan((int)(from - start)));
        }
    }

    /// <summary>Per-thread scratch buffers for every group.</summary>
    internal sealed class Workspace
    {
        internal Workspace(CqtPlan plan)
        {
            Groups = plan.Groups.Select(g => g.CreateWorkspace()).ToArray();
            SpanRe = new float[plan.Options.BinCount * plan.SpanFrames];
            SpanIm = new float[plan.Options.BinCount * plan.SpanFrames];
        }

        /// <summary>Gets the real parts of the last span computed, <c>[bins, count]</c>.</summary>
        internal float[] SpanRe { get; }

        /// <summary>Gets the imaginary parts of the last span computed, <c>[bins, count]</c>.</summary>
        internal float[] SpanIm { get; }

        internal BlockGroup.Workspace[] Groups { get; }
    }
}
