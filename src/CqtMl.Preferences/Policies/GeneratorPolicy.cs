using System.Globalization;
using System.Security.Cryptography;
using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Generation;
using CqtMl.Onnx.Reward;

namespace CqtMl.Preferences.Policies;

/// <summary>
/// An exported generator as a policy: one sample per call at the options' temperature, dropout and coherence, or,
/// with a reward model and N above 1, the best of N samples by reward (<see cref="BestOfN"/>).
/// </summary>
public sealed class GeneratorPolicy : IControlPolicy
{
    private readonly OnnxControlGenerator _generator;
    private readonly OnnxRewardModel? _reward;
    private readonly GenerationOptions _options;
    private readonly int _bestOf;

    /// <summary>Loads the generator (and the reward model for best-of-N).</summary>
    /// <param name="generatorPath">The generator's ONNX file.</param>
    /// <param name="options">How to sample (the seed and sample count are set per call).</param>
    /// <param name="rewardPath">The reward model for best-of-N, or null.</param>
    /// <param name="bestOf">N, at least 1; above 1 needs <paramref name="rewardPath"/> and stochastic options.</param>
    public GeneratorPolicy(string generatorPath, GenerationOptions options, string? rewardPath = null, int bestOf = 1)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(bestOf, 1);
        if (bestOf > 1 && (rewardPath is null || options.Mode != GenerationMode.Stochastic))
        {
            throw new ArgumentException("Best-of-N needs a reward model and stochastic sampling.", nameof(bestOf));
        }

        byte[] model = File.Exists(generatorPath) ? File.ReadAllBytes(generatorPath) : throw new FileNotFoundException($"{generatorPath}: generator model not found", generatorPath);
        _generator = new OnnxControlGenerator(model, source: generatorPath);
        try
        {
            if (bestOf > 1)
            {
                _reward = OnnxRewardModel.Load(rewardPath!);
                BestOfN.CheckSameCqt(_generator.Info, _reward.Info);
            }
        }
        catch
        {
            _generator.Dispose();
            _reward?.Dispose();
            throw;
        }

        _options = options;
        _bestOf = bestOf;
        Identity = Convert.ToHexStringLower(SHA256.HashData(model));
        string mode = options.Mode == GenerationMode.Stochastic ? string.Create(CultureInfo.InvariantCulture, $"temperature {options.Temperature}") : "deterministic";
        Description = bestOf > 1 ? $"{generatorPath} ({mode}, best of {bestOf} by {rewardPath})" : $"{generatorPath} ({mode})";
    }

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public string Identity { get; }

    /// <inheritdoc/>
    public CqtOptions Cqt => _generator.Info.Cqt;

    /// <inheritdoc/>
    public double Temperature => _options.Mode == GenerationMode.Stochastic ? _options.Temperature : 0;

    /// <inheritdoc/>
    public double Dropout => _options.Dropout;

    /// <inheritdoc/>
    public double Coherence => _options.Coherence;

    /// <inheritdoc/>
    public float[] Sample(float[] cqt, int frames, long seed)
    {
        GenerationOptions options = _options with { Seed = seed, SampleCount = _bestOf };
        return _reward is null
            ? _generator.Generate(cqt, 1, frames, options)
            : BestOfN.Generate(_generator, _reward, cqt, frames, options).Controls;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _generator.Dispose();
        _reward?.Dispose();
    }
}
