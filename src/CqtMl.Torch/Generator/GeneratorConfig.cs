using CqtMl.Onnx.Generation;

namespace CqtMl.Torch.Generator;

/// <summary>How the CQT is cut into tokens.</summary>
public enum GeneratorTokenizer
{
    /// <summary>Frequency strips: each token is the whole spectrum (all bins) of 4 frames. The default.</summary>
    Strips = 0,

    /// <summary>Patches of 12 bins by 4 frames (quality preset).</summary>
    Patches = 1,
}

/// <summary>How the time position of a token is encoded.</summary>
public enum GeneratorPositions
{
    /// <summary>Rows 0..T-1 of a long learned table (<see cref="GeneratorConfig.MaxTimeTokens"/> rows). The default.</summary>
    Sliced = 0,

    /// <summary>A learned table of <see cref="GeneratorConfig.MaxTimeTokens"/> rows linearly resampled to T (timm style, any length).</summary>
    Interpolated = 1,
}

/// <summary>
/// The generator's architecture (DESIGN.md): a ViT over CQT tokens with a per-frame, per-register categorical head.
/// </summary>
/// <param name="EmbedDim">Token width.</param>
/// <param name="Depth">Number of transformer blocks.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="MlpDim">Hidden width of each block's MLP.</param>
/// <param name="Levels">K, the number of control levels (level i means i / (K - 1)).</param>
/// <param name="Tokenizer">Strips (84 x 4) or patches (12 x 4).</param>
/// <param name="Bins">CQT bins (input height).</param>
/// <param name="MaxTimeTokens">Rows of the learned time-position table (frames / 4).</param>
/// <param name="Dropout">Dropout probability used in training (and for inference-time dropout when asked).</param>
/// <param name="Positions">Sliced (default) or interpolated time positions.</param>
/// <param name="InputGain">
/// The log compression of the first step is log(1 + InputGain * magnitude). The default 100 spreads the CQT's useful
/// range (magnitudes of about 1e-3 to 5 for music at normal level) over about 0.1 to 6.
/// </param>
/// <param name="HarmonicStacking">
/// Whether the log-compressed CQT is stacked with four shifted copies of itself before the patch embedding, so that
/// bin b also sees the bins an octave below and the 2nd, 3rd and 4th partials above it (shifts of -1, 1, log2 3 and 2
/// octaves, zero beyond the edges): one token can then tell a fundamental from a partial. 2 x 5 channels instead of 2.
/// </param>
/// <param name="BinsPerOctave">The CQT's bins per octave, which turn the stacking's octaves into bins. Default 12.</param>
/// <param name="Attention">
/// Whether the blocks have self-attention (the ViT). Without it each block is x + mlp(norm2(x)) alone, so every token is
/// processed on its own: with strips, a strided convolution over 4 frames of the log CQT (the patch embedding)
/// followed by pointwise layers: the <see cref="Baseline"/> preset.
/// </param>
public sealed record GeneratorConfig(int EmbedDim, int Depth, int Heads, int MlpDim, int Levels = 16, GeneratorTokenizer Tokenizer = GeneratorTokenizer.Strips, int Bins = 84, int MaxTimeTokens = 4096, double Dropout = 0.1, GeneratorPositions Positions = GeneratorPositions.Sliced, double InputGain = 100, bool HarmonicStacking = false, int BinsPerOctave = 12, bool Attention = true)
{
    /// <summary>Frames per token (the ONNX contract's <see cref="GeneratorContract.TimePatch"/>).</summary>
    public const int TimePatch = GeneratorContract.TimePatch;

    /// <summary>Control signals per frame, one per pitch register (<see cref="GeneratorContract.Registers"/>).</summary>
    public const int Controls = GeneratorContract.Registers;

    /// <summary>Input channels of the CQT tensor (<see cref="GeneratorContract.InputChannels"/>).</summary>
    public const int InputChannels = GeneratorContract.InputChannels;

    /// <summary>Gets ViT-tiny: 192 wide, depth 12, 3 heads, MLP 768 (the default preset).</summary>
    public static GeneratorConfig Tiny { get; } = new(192, 12, 3, 768);

    /// <summary>Gets the demo preset: small enough to train for a useful result in minutes on 2 CPU cores.</summary>
    public static GeneratorConfig Demo { get; } = new(96, 4, 3, 384);

    /// <summary>
    /// Gets the baseline preset without attention: the demo's width and depth, every 4-frame strip of the log CQT
    /// processed on its own (a per-frame convolutional network), the same head, trainer, export and sampling.
    /// </summary>
    public static GeneratorConfig Baseline { get; } = new(96, 4, 3, 384, Attention: false);

    /// <summary>Gets a preset by name.</summary>
    /// <param name="name">demo, tiny or baseline.</param>
    /// <returns>The preset.</returns>
    public static GeneratorConfig Named(string name) => name switch
    {
        "demo" => Demo,
        "tiny" => Tiny,
        "baseline" => Baseline,
        _ => throw new ArgumentException($"Unknown generator preset '{name}': expected demo, tiny or baseline.", nameof(name)),
    };

    /// <summary>
    /// Gets the bin shifts s of the stacked copies (copy i at bin b holds bin b + s[i]): { -1, 0, 1, log2 3, 2 } octaves
    /// with <see cref="HarmonicStacking"/>, else { 0 }.
    /// </summary>
    public IReadOnlyList<int> HarmonicShifts => HarmonicStacking
        ? new[] { -BinsPerOctave, 0, BinsPerOctave, (int)Math.Round(BinsPerOctave * Math.Log2(3)), 2 * BinsPerOctave }
        : new[] { 0 };

    /// <summary>Gets the channels the patch embedding sees: the input channels times the stacked copies.</summary>
    public int EmbeddedChannels => InputChannels * HarmonicShifts.Count;

    /// <summary>Gets bins per token (84 for strips, 12 for patches).</summary>
    public int FrequencyPatch => Tokenizer == GeneratorTokenizer.Strips ? Bins : 12;

    /// <summary>Gets the number of frequency tokens per time step.</summary>
    public int FrequencyTokens => Bins / FrequencyPatch;

    /// <summary>Checks the configuration.</summary>
    public void Validate()
    {
        if (EmbedDim <= 0 || Depth <= 0 || Heads <= 0 || MlpDim <= 0 || EmbedDim % Heads != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(EmbedDim), $"Invalid transformer size: width {EmbedDim}, depth {Depth}, heads {Heads} (width must divide by heads), MLP {MlpDim}.");
        }

        if (Levels < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(Levels), Levels, "At least 2 levels are needed.");
        }

        if (Bins % FrequencyPatch != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Bins), Bins, $"The bin count must be a multiple of the frequency patch ({FrequencyPatch}).");
        }

        if (BinsPerOctave < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BinsPerOctave), BinsPerOctave, "Bins per octave must be positive.");
        }

        if (!(InputGain > 0) || double.IsInfinity(InputGain))
        {
            throw new ArgumentOutOfRangeException(nameof(InputGain), InputGain, "The input gain must be a positive, finite number.");
        }

        if (Dropout is < 0 or >= 1 || MaxTimeTokens <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Dropout must be in [0, 1) and the time table positive.");
        }
    }
}
