using CqtMl.Torch.Generator;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CqtMl.Torch.Reward;

/// <summary>
/// The reward model: <c>cqt</c> <c>[B, 2, bins, T]</c> and <c>controls</c> <c>[B, 4, T]</c> in, one reward per row
/// <c>[B]</c> out. Parameter names (PyTorch style): <c>cqt_encoder.*</c> (exactly a generator's, so
/// <c>generator.safetensors</c> loads into it; its <c>head</c> is unused), <c>controls_encoder.*</c>,
/// <c>cross_blocks.i.*</c>, <c>norm</c>, <c>head</c>, <c>frame_head.*</c>. The reward is the head's score of the pooled
/// tokens plus the frame head's scaled sum of frame scores (<see cref="FrameRewardHead"/>).
/// </summary>
public sealed class RewardModel : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly CqtVisionTransformer cqt_encoder;
    private readonly ControlsEncoder controls_encoder;
    private readonly ModuleList<CrossAttentionBlock> cross_blocks;
    private readonly LayerNorm norm;
    private readonly Linear head;
    private readonly FrameRewardHead frame_head;

    /// <summary>Initializes a reward model with random weights.</summary>
    /// <param name="config">The architecture.</param>
    public RewardModel(RewardConfig config)
        : base(nameof(RewardModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        cqt_encoder = new CqtVisionTransformer(config.Encoder);
        controls_encoder = new ControlsEncoder(config);
        cross_blocks = new ModuleList<CrossAttentionBlock>(Enumerable.Range(0, config.CrossDepth).Select(_ => new CrossAttentionBlock(config.Encoder)).ToArray());
        norm = nn.LayerNorm(config.EmbedDim, eps: 1e-6);
        head = nn.Linear(config.EmbedDim, 1, hasBias: true);
        frame_head = new FrameRewardHead(RewardConfig.FrameFeatures, RewardConfig.FrameHeadHidden);
        RegisterComponents();
    }

    /// <summary>Gets the architecture.</summary>
    public RewardConfig Config { get; }

    /// <summary>Gets the CQT encoder (a generator network; load a trained generator's weights into it to start from them).</summary>
    public CqtVisionTransformer CqtEncoder => cqt_encoder;

    /// <summary>Computes rewards.</summary>
    /// <param name="cqt">CQT magnitudes <c>[B, 2, bins, T]</c>.</param>
    /// <param name="controls">Controls <c>[B, 4, T]</c> in [0, 1].</param>
    /// <returns>Rewards <c>[B]</c>.</returns>
    public override Tensor forward(Tensor cqt, Tensor controls)
    {
        using var scope = NewDisposeScope();
        return Score(EncodeCqt(cqt), controls).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Encodes CQTs once, for scoring several controls of the same clips (<see cref="Score"/>): the CQT encoder's
    /// tokens <c>[B, F x Tt, D]</c> and the log spectrum log(1 + gain x) of the channel-mean CQT <c>[B, bins, T]</c> (the judges' log spectrum).
    /// </summary>
    /// <param name="cqt">CQT magnitudes <c>[B, 2, bins, T]</c>.</param>
    /// <returns>The encoded clips.</returns>
    public (Tensor Tokens, Tensor LogSpectrum) EncodeCqt(Tensor cqt)
    {
        ArgumentNullException.ThrowIfNull(cqt);
        using var scope = NewDisposeScope();
        Tensor tokens = cqt_encoder.Encode(cqt);
        Tensor spectrum = cqt.mean(new long[] { 1 }).Times(Config.Encoder.InputGain).log1p();
        return (tokens.MoveToOuterDisposeScope(), spectrum.MoveToOuterDisposeScope());
    }

    /// <summary>Scores controls against encoded CQTs.</summary>
    /// <param name="clips">From <see cref="EncodeCqt"/>.</param>
    /// <param name="controls">Controls <c>[B, 4, T]</c>, Tt = ceil(T / 4).</param>
    /// <returns>Rewards <c>[B]</c>.</returns>
    public Tensor Score((Tensor Tokens, Tensor LogSpectrum) clips, Tensor controls)
    {
        Tensor cqtTokens = clips.Tokens;
        ArgumentNullException.ThrowIfNull(cqtTokens);
        ArgumentNullException.ThrowIfNull(controls);
        long b = cqtTokens.shape[0], f = Config.Encoder.FrequencyTokens, d = Config.EmbedDim;
        if (controls.dim() != 3 || controls.shape[0] != b || controls.shape[1] != GeneratorConfig.Controls || controls.shape[2] < 1
            || cqtTokens.shape[1] != f * ((controls.shape[2] + GeneratorConfig.TimePatch - 1) / GeneratorConfig.TimePatch))
        {
            throw new ArgumentException($"Expected controls [{b}, {GeneratorConfig.Controls}, T] with the CQT's T, got [{string.Join(", ", controls.shape)}] for {cqtTokens.shape[1]} CQT tokens.", nameof(controls));
        }

        using var scope = NewDisposeScope();
        long timeTokens = cqtTokens.shape[1] / f;
        Tensor cqtTime = cqtTokens.reshape(b, f, timeTokens, d).mean(new long[] { 1 });
        Tensor features = controls_encoder.Features(controls, clips.LogSpectrum);
        Tensor tokens = controls_encoder.Forward(features, cqtTime);
        foreach (CrossAttentionBlock block in cross_blocks)
        {
            tokens = block.Forward(tokens, cqtTokens);
        }

        Tensor pooled = head.forward(norm.forward(tokens).mean(new long[] { 1 })).squeeze(-1);
        return pooled.Plus(frame_head.forward(features)).MoveToOuterDisposeScope();
    }
}
