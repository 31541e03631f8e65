namespace CqtMl.Onnx.Generation;

/// <summary>How controls are drawn from the generator's logits.</summary>
public enum GenerationMode
{
    /// <summary>The most likely level of every control and frame; identical on every run.</summary>
    Deterministic = 0,

    /// <summary>Gumbel-max sampling at a temperature, reproducible from the seed.</summary>
    Stochastic = 1,
}

/// <summary>
/// Generation parameters. Stochastic output is a function of (input, seed, temperature, dropout, coherence, sample
/// index) and is the same in TorchSharp and ONNX Runtime.
/// </summary>
public sealed record GenerationOptions
{
    /// <summary>The most samples one call may draw per input.</summary>
    public const int MaxSampleCount = 1024;

    /// <summary>The default <see cref="Coherence"/> in seconds, chosen by measurement (docs/benchmarks.md).</summary>
    public const double DefaultCoherence = 0.5;

    /// <summary>The longest <see cref="Coherence"/> in seconds.</summary>
    public const double MaxCoherence = 60;

    /// <summary>Gets the mode. Default deterministic.</summary>
    public GenerationMode Mode { get; init; } = GenerationMode.Deterministic;

    /// <summary>Gets the temperature tau (> 0) of stochastic sampling. Default 1.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Gets the seed of stochastic sampling. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Gets the number of samples drawn per input. Default 1.</summary>
    public int SampleCount { get; init; } = 1;

    /// <summary>
    /// Gets the inference-time dropout probability p in [0, 1) applied to every block's MLP hidden units (stochastic
    /// mode only; deterministic generation never drops). Default 0 (no dropout).
    /// </summary>
    public double Dropout { get; init; }

    /// <summary>
    /// Gets the correlation time of the Gumbel noise in seconds (stochastic mode): 0 draws every frame's noise
    /// independently (levels may change every frame); larger values correlate the noise over time (see
    /// <see cref="CoherentGumbelNoise"/>), so a sample's levels change about as often as the music does, while each
    /// frame's level is still drawn from the softmax at the temperature. Default <see cref="DefaultCoherence"/>.
    /// </summary>
    public double Coherence { get; init; } = DefaultCoherence;

    /// <summary>Checks the parameters.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Unknown generation mode.");
        }

        if (!(Temperature > 0) || double.IsInfinity(Temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "The temperature must be a positive, finite number.");
        }

        if (Dropout is < 0 or >= 1 || double.IsNaN(Dropout))
        {
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "The dropout probability must be in [0, 1).");
        }

        if (Dropout > 0 && Mode != GenerationMode.Stochastic)
        {
            throw new ArgumentException($"Inference-time dropout ({Dropout}) needs the stochastic mode: deterministic generation never drops units.", nameof(Dropout));
        }

        if (Coherence is < 0 or > MaxCoherence || double.IsNaN(Coherence))
        {
            throw new ArgumentOutOfRangeException(nameof(Coherence), Coherence, $"The coherence (noise correlation time) must be between 0 and {MaxCoherence} seconds.");
        }

        if (SampleCount is < 1 or > MaxSampleCount)
        {
            throw new ArgumentOutOfRangeException(nameof(SampleCount), SampleCount, $"The sample count must be between 1 and {MaxSampleCount}.");
        }
    }

    /// <summary>
    /// Gets the Gumbel noise for sample <paramref name="sample"/> of a batch of logits <c>[batch, 4, K, T]</c>, or
    /// null in deterministic mode. Each sample index has its own stream (seed + sample), laid out like the logits; with
    /// a <see cref="Coherence"/> above 0 the noise of each (row, control, level) is correlated along T.
    /// </summary>
    /// <param name="sample">The sample index.</param>
    /// <param name="batch">The batch size.</param>
    /// <param name="levels">K.</param>
    /// <param name="frames">T.</param>
    /// <param name="frameRate">CQT frames per second (sample rate / hop length), which turns the coherence into frames.</param>
    /// <returns>The noise or null.</returns>
    public float[]? NoiseFor(int sample, int batch, int levels, int frames, double frameRate)
    {
        if (Mode != GenerationMode.Stochastic)
        {
            return null;
        }

        if (!(frameRate > 0) || double.IsInfinity(frameRate))
        {
            throw new ArgumentOutOfRangeException(nameof(frameRate), frameRate, "The frame rate must be a positive, finite number.");
        }

        int series = checked(batch * GeneratorContract.Registers * levels);
        return Coherence == 0
            ? GumbelNoise.Create(SampleSeed(sample), checked(series * frames))
            : CoherentGumbelNoise.Create(SampleSeed(sample), series, frames, Coherence * frameRate);
    }

    /// <summary>
    /// Gets the inference-time dropout mask for sample <paramref name="sample"/>, laid out <c>[depth, batch, tokens,
    /// mlp]</c>, or null when <see cref="Dropout"/> is 0 (or the mode deterministic). Its stream is independent of the
    /// Gumbel noise of the same sample.
    /// </summary>
    /// <param name="sample">The sample index.</param>
    /// <param name="count">depth x batch x tokens x mlp.</param>
    /// <returns>The mask or null.</returns>
    public float[]? DropoutMaskFor(int sample, int count) =>
        Mode == GenerationMode.Stochastic && Dropout > 0 ? DropoutMask.Create(SampleSeed(sample) ^ 0x2545F4914F6CDD1DL, Dropout, count) : null;

    private long SampleSeed(int sample) => unchecked(Seed + (sample * 0x632BE59BD9B4E019L));
}
