using CqtMl.Preferences.Judges;
using CqtMl.Torch.Generator;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CqtMl.Torch.Reward;

/// <summary>
/// Encodes controls <c>[B, 4, T]</c> into one token per 4 frames, aligned with the CQT encoder's time tokens: each
/// frame's 4 levels, their absolute changes, whether they changed and 8 learned features of the frame's log spectrum
/// (<c>spectrum</c>, a linear projection of the bins), 4 fixed onset-timing features (<see cref="RewardConfig.OnsetFeatures"/>)
/// and 8 fixed register-energy features (<see cref="RewardConfig.RegisterFeatures"/>), 32 features x 4 frames = 128
/// values per token, are embedded linearly
/// (<c>embed</c>), plus a learned time position (<c>pos_embed_time</c>) and, projected (<c>align</c>), the CQT
/// encoder's token of the same time step (its frequency tokens averaged), so each control token starts from the
/// music it accompanies; then pre-norm transformer blocks (<c>blocks</c>) and a final norm (<c>norm</c>).
/// </summary>
internal sealed class ControlsEncoder : nn.Module<Tensor, Tensor>
{
    private readonly Linear spectrum;
    private readonly Linear embed;
    private readonly Linear align;
    private readonly Parameter pos_embed_time;
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly LayerNorm norm;

    // [4, bins], not a parameter or buffer: a function of the CQT's bins, so weights files need not carry it.
    private readonly float[] registerWeights;
    private readonly int bins;

    public ControlsEncoder(RewardConfig config)
        : base(nameof(ControlsEncoder))
    {
        int d = config.EmbedDim;
        bins = config.Encoder.Bins;
        registerWeights = config.RegisterWeights();
        spectrum = nn.Linear(config.Encoder.Bins, RewardConfig.SpectrumFeatures, hasBias: true);
        embed = nn.Linear(RewardConfig.FrameFeatures * GeneratorConfig.TimePatch, d, hasBias: true);
        align = nn.Linear(d, d, hasBias: true);
        pos_embed_time = new Parameter(randn(config.Encoder.MaxTimeTokens, d).Times(0.02));
        blocks = new ModuleList<TransformerBlock>(Enumerable.Range(0, config.ControlDepth).Select(_ => new TransformerBlock(config.ControlBlocks)).ToArray());
        norm = nn.LayerNorm(d, eps: 1e-6);
        RegisterComponents();
    }

    /// <summary>Not used: the encoder needs the CQT's time tokens too.</summary>
    public override Tensor forward(Tensor controls) => throw new NotSupportedException("Use Forward(Features(controls, logSpectrum), cqtTime).");

    /// <summary>The per-frame features <c>[B, FrameFeatures, T]</c> of <see cref="RewardConfig.FrameFeatures"/>.</summary>
    /// <param name="controls">Controls <c>[B, 4, T]</c>.</param>
    /// <param name="logSpectrum">The channel-mean log-compressed CQT <c>[B, bins, T]</c>.</param>
    /// <returns>The features.</returns>
    public Tensor Features(Tensor controls, Tensor logSpectrum)
    {
        using var scope = NewDisposeScope();
        long t = controls.shape[2];

        // |level(t) - level(t - 1)| and (level(t) != level(t - 1)), 0 at the first frame.
        Tensor change = nn.functional.pad(controls.narrow(2, 1, t - 1).Minus(controls.narrow(2, 0, t - 1)).abs(), new long[] { 1, 0 });
        Tensor changed = change.gt(0).to_type(ScalarType.Float32);
        Tensor music = spectrum.forward(logSpectrum.transpose(1, 2)).transpose(1, 2);
        return cat(new[] { controls, change, changed, music, OnsetTiming(logSpectrum, changed), RegisterEnergy(controls, logSpectrum) }, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Encodes the per-frame features into tokens.</summary>
    /// <param name="features">From <see cref="Features"/> <c>[B, FrameFeatures, T]</c>.</param>
    /// <param name="cqtTime">The CQT encoder's tokens averaged over frequency <c>[B, Tt, D]</c>, Tt = ceil(T / 4).</param>
    /// <returns>Tokens <c>[B, Tt, D]</c>.</returns>
    public Tensor Forward(Tensor features, Tensor cqtTime)
    {
        using var scope = NewDisposeScope();
        long b = features.shape[0], t = features.shape[2], timeTokens = cqtTime.shape[1];
        long padded = timeTokens * GeneratorConfig.TimePatch;
        if (timeTokens > pos_embed_time.shape[0])
        {
            throw new ArgumentException($"{t} frames exceed the time-position table ({pos_embed_time.shape[0] * GeneratorConfig.TimePatch} frames).", nameof(features));
        }

        Tensor tokens = nn.functional.pad(features, new long[] { 0, padded - t })
            .reshape(b, RewardConfig.FrameFeatures, timeTokens, GeneratorConfig.TimePatch).permute(0, 2, 1, 3).reshape(b, timeTokens, RewardConfig.FrameFeatures * GeneratorConfig.TimePatch);
        tokens = embed.forward(tokens).Plus(pos_embed_time.narrow(0, 0, timeTokens).unsqueeze(0)).Plus(align.forward(cqtTime));
        foreach (TransformerBlock block in blocks)
        {
            tokens = block.forward(tokens);
        }

        return norm.forward(tokens).MoveToOuterDisposeScope();
    }

    /// <summary>The register energies and the levels' distances from them <c>[B, 8, T]</c> (<see cref="RewardConfig.RegisterFeatures"/>).</summary>
    /// <param name="controls">Controls <c>[B, 4, T]</c>.</param>
    /// <param name="logSpectrum">The log spectrum <c>[B, bins, T]</c>.</param>
    private Tensor RegisterEnergy(Tensor controls, Tensor logSpectrum)
    {
        Tensor weights = tensor(registerWeights, new long[] { GeneratorConfig.Controls, bins }, ScalarType.Float32, logSpectrum.device);
        Tensor energy = matmul(weights, logSpectrum).div(JudgedClip.RegisterFullScale).clamp_max(1);
        return cat(new[] { energy, controls.Minus(energy).abs() }, 1);
    }

    /// <summary>The onset-timing features <c>[B, 4, T]</c> of <see cref="RewardConfig.OnsetFeatures"/>.</summary>
    /// <param name="logSpectrum">The log spectrum <c>[B, bins, T]</c>.</param>
    /// <param name="changed">Whether each control changes at each frame <c>[B, 4, T]</c>.</param>
    private static Tensor OnsetTiming(Tensor logSpectrum, Tensor changed)
    {
        long t = logSpectrum.shape[2];
        Tensor rises = logSpectrum.narrow(2, 1, t - 1).Minus(logSpectrum.narrow(2, 0, t - 1)).relu();
        Tensor flux = nn.functional.pad(rises.sum(1, keepdim: true), new long[] { 1, 0 });
        Tensor centred = flux.Minus(flux.mean(new long[] { 2 }, keepdim: true));
        Tensor deviation = centred.square().mean(new long[] { 2 }, keepdim: true).sqrt().Plus(RewardConfig.OnsetEpsilon);
        Tensor strength = centred.div(deviation);

        // Onsets: the strength's peaks above the threshold that are the largest within the neighbourhood; then whether one is near.
        int window = (2 * RewardConfig.OnsetNeighbourhood) + 1;
        Tensor peaks = strength.eq(nn.functional.max_pool1d(strength, window, stride: 1, padding: RewardConfig.OnsetNeighbourhood))
            .logical_and(strength.gt(RewardConfig.OnsetThreshold)).to_type(ScalarType.Float32);
        Tensor near = nn.functional.max_pool1d(peaks, window, stride: 1, padding: RewardConfig.OnsetNeighbourhood);
        Tensor anyChange = changed.amax(new long[] { 1 }, keepdim: true);
        return cat(new[] { strength, near, anyChange, anyChange.mul(near) }, 1);
    }
}
