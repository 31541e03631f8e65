using System.Runtime.Intrinsics;
using CqtMl.Audio.Dsp;

namespace CqtMl.Audio.Cqt;

/// <summary>
/// Bins of similar filter length (about an octave) that share one block geometry: the signal is cut into blocks of
/// <c>N = hop * M</c> samples (M a power of two, large enough for the group's longest filter), each block is
/// transformed once, and every spectral bin multiplies the block spectrum by the kept band of its kernel's spectrum,
/// folds the product into M buckets (exactly decimation by the hop in time); one batched inverse FFT of length M over
/// the group then gives every bin at every hop position of the block. Short kernels are evaluated directly instead.
/// Sizing each group for its own filters keeps kernel spectra small, so they stay in cache.
/// </summary>
internal sealed class BlockGroup
{
    private const int Lanes = 8;

    public BlockGroup(CqtOptions options, IReadOnlyList<(int Bin, CqtKernel Kernel)> members)
    {
        Hop = options.HopLength;
        int longest = members.Max(m => m.Kernel.TapCount);
        int maxEnd = members.Max(m => m.Kernel.End);
        int minStart = members.Min(m => m.Kernel.Start);

        // The block FFT needs N divisible by 128; then grow M until 3/4 of each block yields valid frames.
        int frames = 16;
        while ((long)Hop * frames % 128 != 0)
        {
            frames *= 2;
        }

        while (true)
        {
            long n = (long)Hop * frames;
            int first = (maxEnd + Hop - 1) / Hop;
            long last = (n - 1 + minStart) / Hop;
            if (n > longest && last - first + 1 >= 3L * frames / 4)
            {
                FirstIndex = first;
                FramesPerBlock = (int)(last - first + 1);
                break;
            }

            frames *= 2;
            if ((long)Hop * frames > 1 << 28)
            {
                throw new ArgumentOutOfRangeException(nameof(options), "The CQT's longest filter is too long for its hop length.");
            }
        }

        BlockFrames = frames;
        BlockLength = Hop * frames;
        Fft = new RealFft(BlockLength);
        Inverse = new BatchedFft(frames);

        // Cost model in nanoseconds per output frame, measured on this project's kernels (AVX2): a direct tap costs
        // about 0.15, a spectral multiply-add 0.5, a spectral bin's share of scatter and inverse FFT 10, and the block
        // FFT 6 per sample. Each bin takes the cheaper path; the whole group goes direct when the FFT does not pay.
        var complexFft = new ComplexFft(BlockLength);
        var work = new ComplexFft.Workspace(BlockLength);
        var re = new float[BlockLength];
        var im = new float[BlockLength];
        var spectralBins = new List<SpectralBin>();
        var directBins = new List<DirectBin>();
        double allDirectCost = 0, mixedCost = 6.0 * BlockLength / FramesPerBlock;
        foreach (var (bin, kernel) in members)
        {
            double directCost = 0.15 * kernel.TapCount;
            allDirectCost += directCost;
            SpectralBin spectral = SpectralBin.Create(bin, kernel, complexFft, work, re, im);
            double spectralCost = (0.5 * spectral.Re.Length / FramesPerBlock) + 10.0;
            if (directCost < spectralCost)
            {
                directBins.Add(DirectBin.Create(bin, kernel));
                mixedCost += directCost;
            }
            else
            {
                spectralBins.Add(spectral);
                mixedCost += spectralCost;
            }
        }

        if (allDirectCost <= mixedCost)
        {
            spectralBins.Clear();
            directBins = members.Select(m => DirectBin.Create(m.Bin, m.Kernel)).ToList();
        }

        SpectralBins = spectralBins.ToArray();
        DirectBins = directBins.ToArray();
    }

    /// <summary>Gets the hop length.</summary>
    public int Hop { get; }

    /// <summary>Gets M, the number of hop positions per block (a power of two).</summary>
    public int BlockFrames { get; }

    /// <summary>Gets N = hop * M, the block length in samples.</summary>
    public int BlockLength { get; }

    /// <summary>Gets the number of valid output frames per block.</summary>
    public int FramesPerBlock { get; }

    /// <summary>Gets the hop position within a block of its first valid frame.</summary>
    public int FirstIndex { get; }

    /// <summary>Gets the bins computed in the frequency domain.</summary>
    public SpectralBin[] SpectralBins { get; }

    /// <summary>Gets the bins computed directly in the time domain.</summary>
    public DirectBin[] DirectBins { get; }

    /// <summary>Gets the block FFT.</summary>
    public RealFft Fft { get; }

    /// <summary>Gets the batched inverse FFT of length M.</summary>
    public BatchedFft Inverse { get; }

    /// <summary>Gets the first signal sample (may be negative) of block <paramref name="block"/>.</summary>
    public long BlockStart(long block) => (block * FramesPerBlock - FirstIndex) * Hop;

    /// <summary>Creates the scratch buffers one thread needs to process this group's blocks.</summary>
    public Workspace CreateWorkspace() => new(this);

    /// <summary>
    /// Computes frames <c>[from, to)</c> of the block held in <c>work.Block</c> (frame indices relative to the block)
    /// for every bin of the group, writing bin k's frame f to <c>re/im[k * rowStride + f - from]</c>.
    /// </summary>
    public void ProcessBlock(Workspace work, int from, int to, Span<float> re, Span<float> im, int rowStride)
    {
        int n = BlockLength, m = BlockFrames;
        if (SpectralBins.Length > 0)
        {
            // Fold every bin into its own row of M buckets, inverse-transform all rows, keep the valid frames.
            Fft.Forward(work.Block.AsSpan(0, n), work.SpectrumRe, work.SpectrumIm, work.Fft);
            for (int c = 0; c < SpectralBins.Length; c++)
            {
                SpectralBins[c].Fold(work.SpectrumRe, work.SpectrumIm, work.FoldRe.AsSpan(c * m, m), work.FoldIm.AsSpan(c * m, m), n);
            }

            Inverse.TransformSequences(work.FoldRe, work.FoldIm, SpectralBins.Length, inverse: true);
            float scale = 1f / n;
            for (int c = 0; c < SpectralBins.Length; c++)
            {
                int row = SpectralBins[c].Bin * rowStride;
                var sourceRe = work.FoldRe.AsSpan(c * m + FirstIndex + from, to - from);
                var sourceIm = work.FoldIm.AsSpan(c * m + FirstIndex + from, to - from);
                Scale(sourceRe, scale, re.Slice(row, to - from));
                Scale(sourceIm, scale, im.Slice(row, to - from));
            }
        }

        foreach (DirectBin direct in DirectBins)
        {
            int row = direct.Bin * rowStride;
            direct.Evaluate(work.Block, FirstIndex + from, Hop, to - from, re.Slice(row), im.Slice(row));
        }
    }

    private static void Scale(ReadOnlySpan<float> source, float factor, Span<float> destination)
    {
        int i = 0;
        var vf = Vector256.Create(factor);
        for (; i + Lanes <= source.Length; i += Lanes)
        {
            (Vector256.Create(source.Slice(i, Lanes)) * vf).CopyTo(destination.Slice(i));
        }

        for (; i < source.Length; i++)
        {
            destination[i] = source[i] * factor;
        }
    }

    /// <summary>Per-thread scratch buffers of one group.</summary>
    internal sealed class Workspace
    {
        internal Workspace(BlockGroup group)
        {
            int n = group.BlockLength, m = group.BlockFrames;
            Block = new float[n + 64];
            SpectrumRe = new float[n];
            SpectrumIm = new float[n];
            Fft = group.Fft.CreateWorkspace();
            FoldRe = new float[m * group.SpectralBins.Length];
            FoldIm = new float[m * group.SpectralBins.Length];
        }

        /// <summary>Gets the block's samples (N, then a zero margin for vector reads).</summary>
        public float[] Block { get; }

        internal float[] SpectrumRe { get; }

        internal float[] SpectrumIm { get; }

        internal RealFft.Workspace Fft { get; }

        /// <summary>Gets the folded spectra, then the bin outputs, one row of M per spectral bin.</summary>
        internal float[] FoldRe { get; }

        internal float[] FoldIm { get; }
    }
}
