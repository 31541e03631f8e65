using CqtMl.Audio.Cqt;
using CqtMl.Preferences.Judges;
using CqtMl.Torch.Generator;

namespace CqtMl.Torch.Reward;

/// <summary>
/// The reward model's architecture (DESIGN.md, "Preferences and reward"): a CQT encoder that is the generator's
/// network without its head (so it can start from a trained generator's weights), a controls encoder over
/// <c>[4, T]</c> grouped into the same time tokens, cross-attention blocks in which control tokens attend to CQT tokens,
/// mean pooling and one scalar.
/// </summary>
/// <param name="Encoder">The CQT encoder's architecture (a generator preset); its width, heads and MLP size are the whole model's.</param>
/// <param name="ControlDepth">Self-attention blocks of the controls encoder.</param>
/// <param name="CrossDepth">Cross-attention blocks.</param>
/// <param name="Fmin">The centre frequency of the CQT's lowest bin in Hz, which places the bins in their pitch registers (<see cref="RegisterFeatures"/>). Default C1.</param>
public sealed record RewardConfig(GeneratorConfig Encoder, int ControlDepth, int CrossDepth, double Fmin = CqtOptions.C1)
{
    /// <summary>
    /// Features per control frame: the 4 levels, their absolute change from the previous frame, and whether each
    /// changed (1 or 0), so that counting and placing level changes is linear in the features.
    /// </summary>
    public const int ControlFeatures = 3 * GeneratorConfig.Controls;

    /// <summary>
    /// Learned features of each frame's log spectrum (a linear projection of the channel-mean log CQT, <c>spectrum</c>)
    /// that sit next to the control features of the same frame, so that a control can be compared with the music at
    /// frame resolution (its register's energy, a spectral change at an onset).
    /// </summary>
    public const int SpectrumFeatures = 8;

    /// <summary>
    /// Fixed onset-timing features of each frame, so that whether the controls move with the music's attacks is close
    /// to linear in the features: the onset strength (spectral flux, the sum over bins of the log spectrum's rises,
    /// standardised over the clip), whether an onset is within <see cref="OnsetNeighbourhood"/> frames (onsets: peaks
    /// of the strength above <see cref="OnsetThreshold"/> that are the largest within that neighbourhood, the
    /// project's onset detector, which the onset judge uses too), whether any control changes at the frame (1 or 0),
    /// and the product of the last two.
    /// </summary>
    public const int OnsetFeatures = 4;

    /// <summary>The standardised onset strength a peak must exceed to be an onset (the clip's mean plus half a standard deviation).</summary>
    public const float OnsetThreshold = 0.5f;

    /// <summary>
    /// Frames either side of a frame whose onset strength counts as near it: 17 frames, 49 ms at the default 344.5
    /// frames per second (22,050 Hz, hop 64), about the tolerance within which a change is heard as on the beat; it
    /// spans more than four of the encoder's 4-frame time tokens, which attention alone did not learn to bridge.
    /// </summary>
    public const int OnsetNeighbourhood = 17;

    /// <summary>Added to the onset strength's standard deviation over the clip before dividing by it (silent clips).</summary>
    public const float OnsetEpsilon = 1e-6f;

    /// <summary>
    /// Fixed register-energy features of each frame, two per control: the register's energy (the mean log spectrum of
    /// the register's bins on the judges' fixed scale: divided by <see cref="JudgedClip.RegisterFullScale"/>, at most 1;
    /// exactly <see cref="JudgedClip.RegisterEnergy"/>) and how far the control's level is from it (the absolute
    /// difference), so that whether the levels follow their registers' loudness is close to linear in one frame's
    /// features, as the onset-timing features make an onset's nearness.
    /// </summary>
    public const int RegisterFeatures = 2 * GeneratorConfig.Controls;

    /// <summary>Hidden units of the frame head (<see cref="FrameRewardHead"/>).</summary>
    public const int FrameHeadHidden = 64;

    /// <summary>Values per frame the controls encoder embeds: control, spectrum, onset-timing and register-energy features.</summary>
    public const int FrameFeatures = ControlFeatures + SpectrumFeatures + OnsetFeatures + RegisterFeatures;

    /// <summary>Gets the demo preset: the demo generator's encoder, 2 controls blocks, 2 cross-attention blocks.</summary>
    public static RewardConfig Demo { get; } = new(GeneratorConfig.Demo, 2, 2);

    /// <summary>Gets the baseline preset: the baseline generator's encoder (no self-attention; the controls encoder and the cross-attention keep theirs), 2 + 2 blocks.</summary>
    public static RewardConfig Baseline { get; } = new(GeneratorConfig.Baseline, 2, 2);

    /// <summary>Gets the tiny preset: ViT-tiny's encoder, 4 controls blocks, 2 cross-attention blocks.</summary>
    public static RewardConfig Tiny { get; } = new(GeneratorConfig.Tiny, 4, 2);

    /// <summary>Gets the token width.</summary>
    public int EmbedDim => Encoder.EmbedDim;

    /// <summary>Gets a preset by name.</summary>
    /// <param name="name">demo, tiny or baseline.</param>
    /// <returns>The preset.</returns>
    public static RewardConfig Named(string name) => name switch
    {
        "demo" => Demo,
        "tiny" => Tiny,
        "baseline" => Baseline,
        _ => throw new ArgumentException($"Unknown reward preset '{name}': expected demo, tiny or baseline.", nameof(name)),
    };

    /// <summary>Gets the configuration of the controls encoder's blocks (the encoder's width, heads, MLP and dropout).</summary>
    internal GeneratorConfig ControlBlocks => Encoder with { Depth = ControlDepth, Attention = true };

    /// <summary>
    /// Gets the register-energy weights <c>[4, bins]</c>, row-major: 1 / (bins in the register) where a bin belongs to
    /// the register (<see cref="JudgedClip.RegisterOfBin"/>), else 0; a register without bins has a row of zeros.
    /// </summary>
    /// <returns>The weights.</returns>
    public float[] RegisterWeights()
    {
        var cqt = new CqtOptions { FMin = Fmin, BinsPerOctave = Encoder.BinsPerOctave, BinCount = Encoder.Bins };
        int bins = Encoder.Bins;
        int[] registers = Enumerable.Range(0, bins).Select(b => JudgedClip.RegisterOfBin(cqt, b)).ToArray();
        var weights = new float[GeneratorConfig.Controls * bins];
        for (int r = 0; r < GeneratorConfig.Controls; r++)
        {
            int count = registers.Count(x => x == r);
            for (int b = 0; b < bins; b++)
            {
                weights[(r * bins) + b] = registers[b] == r ? 1f / count : 0f;
            }
        }

        return weights;
    }

    /// <summary>Checks the configuration.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Encoder);
        Encoder.Validate();
        if (ControlDepth < 1 || CrossDepth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ControlDepth), "The controls encoder and the cross-attention need at least one block each.");
        }

        if (!(Fmin > 0) || double.IsInfinity(Fmin))
        {
            throw new ArgumentOutOfRangeException(nameof(Fmin), Fmin, "The lowest bin's frequency must be a positive number of hertz.");
        }
    }
}
