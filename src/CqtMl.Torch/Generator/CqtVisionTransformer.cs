using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CqtMl.Torch.Generator;

/// <summary>
/// The CQT Vision Transformer generator: <c>[B, 2, bins, T]</c> linear CQT magnitudes in, logits
/// <c>[B, 4, K, T]</c> out (4 control signals, K levels, every frame). Log compression, log(1 + gain x), is its first step; T is padded
/// to a multiple of 4 inside and the output cropped back. Parameter names follow timm's ViT (patch_embed.proj,
/// blocks.i.norm1 / attn.qkv / attn.proj / norm2 / mlp.fc1 / mlp.fc2, norm, head) plus the frequency and time position
/// tables pos_embed_freq and pos_embed_time.
/// </summary>
public sealed class CqtVisionTransformer : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d patch_embed;
    private readonly Parameter pos_embed_freq;
    private readonly Parameter pos_embed_time;
    private readonly Dropout pos_drop;
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly LayerNorm norm;
    private readonly Linear head;

    /// <summary>Initializes a generator with random weights (normal, std 0.02, for embeddings and linears).</summary>
    /// <param name="config">The architecture.</param>
    public CqtVisionTransformer(GeneratorConfig config)
        : base(nameof(CqtVisionTransformer))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        patch_embed = nn.Conv2d(config.EmbeddedChannels, config.EmbedDim, (config.FrequencyPatch, GeneratorConfig.TimePatch), stride: (config.FrequencyPatch, GeneratorConfig.TimePatch));
        pos_embed_freq = new Parameter(randn(config.FrequencyTokens, config.EmbedDim).Times(0.02));
        pos_embed_time = new Parameter(randn(config.MaxTimeTokens, config.EmbedDim).Times(0.02));
        pos_drop = nn.Dropout(config.Dropout);
        blocks = new ModuleList<TransformerBlock>(Enumerable.Range(0, config.Depth).Select(_ => new TransformerBlock(config)).ToArray());
        norm = nn.LayerNorm(config.EmbedDim, eps: 1e-6);
        head = nn.Linear(config.EmbedDim, GeneratorConfig.Controls * config.Levels * GeneratorConfig.TimePatch, hasBias: true);
        RegisterComponents();
    }

    /// <summary>Gets the architecture.</summary>
    public GeneratorConfig Config { get; }

    /// <summary>
    /// Gets or sets a value indicating whether training forward passes checkpoint every transformer block (activations
    /// recomputed in the backward pass: less memory, about one more forward pass of time). Ignored without gradients.
    /// </summary>
    public bool GradientCheckpointing { get; set; }

    /// <summary>The time positions of <paramref name="timeTokens"/> tokens: table rows, or the table resampled linearly.</summary>
    private Tensor TimePositions(long timeTokens)
    {
        if (Config.Positions == GeneratorPositions.Sliced)
        {
            return pos_embed_time.narrow(0, 0, timeTokens);
        }

        // [L, D] -> [1, D, L] -> linear (half-pixel, as PyTorch's align_corners=False) -> [1, D, T] -> [T, D].
        Tensor grid = pos_embed_time.t().unsqueeze(0);
        return nn.functional.interpolate(grid, size: new[] { timeTokens }, mode: InterpolationMode.Linear, align_corners: false).squeeze(0).t();
    }

    /// <summary>Stacks shifted copies along the channels: copy i at bin b holds bin b + shift i (zero outside the bins).</summary>
    internal Tensor StackHarmonics(Tensor h)
    {
        IReadOnlyList<int> shifts = Config.HarmonicShifts;
        int below = Math.Max(0, -shifts.Min()), above = Math.Max(0, shifts.Max());
        Tensor wide = nn.functional.pad(h, new long[] { 0, 0, below, above });
        return cat(shifts.Select(s => wide.narrow(2, below + s, Config.Bins)).ToArray(), 1);
    }

    /// <summary>Gets the number of tokens for <paramref name="frames"/> frames (frequency tokens x time tokens).</summary>
    /// <param name="frames">T.</param>
    /// <returns>The token count N.</returns>
    public long TokenCount(long frames) => Config.FrequencyTokens * ((frames + GeneratorConfig.TimePatch - 1) / GeneratorConfig.TimePatch);

    /// <summary>Computes the logits.</summary>
    /// <param name="x">CQT magnitudes <c>[B, 2, bins, T]</c>, T at least 1.</param>
    /// <returns>Logits <c>[B, 4, K, T]</c>.</returns>
    public override Tensor forward(Tensor x) => Forward(x, null);

    /// <summary>Computes the logits, with inference-time dropout when <paramref name="dropoutMask"/> is given.</summary>
    /// <param name="x">CQT magnitudes <c>[B, 2, bins, T]</c>, T at least 1.</param>
    /// <param name="dropoutMask">
    /// Null, or a mask <c>[depth, B, N, mlp]</c> (N = <see cref="TokenCount"/>) multiplying every block's MLP hidden
    /// units: 0 for a dropped unit, 1 / (1 - p) for a kept one (see <c>GenerationOptions.DropoutMaskFor</c>).
    /// </param>
    /// <returns>Logits <c>[B, 4, K, T]</c>.</returns>
    public Tensor Forward(Tensor x, Tensor? dropoutMask)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4 || x.shape[1] != GeneratorConfig.InputChannels || x.shape[2] != Config.Bins || x.shape[3] < 1)
        {
            throw new ArgumentException($"Expected a CQT tensor [B, {GeneratorConfig.InputChannels}, {Config.Bins}, T >= 1], got [{string.Join(", ", x.shape)}].", nameof(x));
        }

        long b = x.shape[0], t = x.shape[3];
        if (dropoutMask is not null && (dropoutMask.dim() != 4 || dropoutMask.shape[0] != Config.Depth || dropoutMask.shape[1] != b || dropoutMask.shape[2] != TokenCount(t) || dropoutMask.shape[3] != Config.MlpDim))
        {
            throw new ArgumentException($"Expected a dropout mask [{Config.Depth}, {b}, {TokenCount(t)}, {Config.MlpDim}], got [{string.Join(", ", dropoutMask.shape)}].", nameof(dropoutMask));
        }

        using var scope = NewDisposeScope();
        long padded = (t + GeneratorConfig.TimePatch - 1) / GeneratorConfig.TimePatch * GeneratorConfig.TimePatch;
        long timeTokens = padded / GeneratorConfig.TimePatch;
        int f = Config.FrequencyTokens, d = Config.EmbedDim;
        Tensor tokens = Encode(x, dropoutMask);

        // Average the frequency tokens of each time step, then K levels for 4 controls on each of its 4 frames.
        Tensor pooled = tokens.reshape(b, f, timeTokens, d).mean(new long[] { 1 });
        Tensor logits = head.forward(pooled).reshape(b, timeTokens, GeneratorConfig.Controls, Config.Levels, GeneratorConfig.TimePatch)
            .permute(0, 2, 3, 1, 4).reshape(b, GeneratorConfig.Controls, Config.Levels, padded);
        return logits.narrow(3, 0, t).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Encodes a CQT into normalised tokens <c>[B, F x Tt, D]</c> (frequency-major: token i is frequency i / Tt, time
    /// i % Tt): log compression, padding, embedding, positions, every block and the final norm: everything but the head.
    /// The reward model's CQT encoder is this network.
    /// </summary>
    /// <param name="x">CQT magnitudes <c>[B, 2, bins, T]</c>.</param>
    /// <param name="dropoutMask">Null, or the inference-time dropout mask (see <see cref="Forward"/>).</param>
    /// <returns>The tokens.</returns>
    public Tensor Encode(Tensor x, Tensor? dropoutMask = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4 || x.shape[1] != GeneratorConfig.InputChannels || x.shape[2] != Config.Bins || x.shape[3] < 1)
        {
            throw new ArgumentException($"Expected a CQT tensor [B, {GeneratorConfig.InputChannels}, {Config.Bins}, T >= 1], got [{string.Join(", ", x.shape)}].", nameof(x));
        }

        long b = x.shape[0], t = x.shape[3];
        using var scope = NewDisposeScope();
        long padded = (t + GeneratorConfig.TimePatch - 1) / GeneratorConfig.TimePatch * GeneratorConfig.TimePatch;
        long timeTokens = padded / GeneratorConfig.TimePatch;
        if (Config.Positions == GeneratorPositions.Sliced && timeTokens > Config.MaxTimeTokens)
        {
            throw new ArgumentException($"{t} frames exceed the time-position table ({Config.MaxTimeTokens * GeneratorConfig.TimePatch} frames).", nameof(x));
        }

        Tensor h = x.Times(Config.InputGain).log1p();
        if (padded != t)
        {
            h = nn.functional.pad(h, new long[] { 0, padded - t });
        }

        if (Config.HarmonicStacking)
        {
            h = StackHarmonics(h);
        }

        // [B, D, F, Tt] -> [B, F, Tt, D], plus frequency and time positions.
        int f = Config.FrequencyTokens, d = Config.EmbedDim;
        Tensor tokens = patch_embed.forward(h).permute(0, 2, 3, 1);
        tokens = tokens.Plus(pos_embed_freq.reshape(1, f, 1, d)).Plus(TimePositions(timeTokens).reshape(1, 1, timeTokens, d));
        tokens = pos_drop.forward(tokens.reshape(b, f * timeTokens, d));
        for (int i = 0; i < blocks.Count; i++)
        {
            tokens = GradientCheckpointing && training && is_grad_enabled() && dropoutMask is null
                ? CheckpointedBlock.Run(blocks[i], tokens)
                : blocks[i].Forward(tokens, dropoutMask?[i]);
        }

        return norm.forward(tokens).MoveToOuterDisposeScope();
    }
}
