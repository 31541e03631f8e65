using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CqtMl.Torch.Training;

/// <summary>
/// AdamW (Loshchilov and Hutter; PyTorch's update rule: decoupled weight decay, bias-corrected moments, epsilon added
/// after the square root). The project's own rather than TorchSharp's <c>optim.AdamW</c>, whose step builds temporary
/// scalars that the garbage collector can free during the native call (see <see cref="TensorMath"/>); a long run
/// with another allocating thread failed that way. State (moments and step count) saves to and loads from a stream.
/// </summary>
internal sealed class AdamWOptimizer : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
    private readonly Parameter[] _parameters;
    private readonly Tensor[] _firstMoments;
    private readonly Tensor[] _secondMoments;
    private readonly double _weightDecay;
    private long _steps;

    /// <summary>Creates the optimizer with zero moments.</summary>
    public AdamWOptimizer(IEnumerable<Parameter> parameters, double learningRate, double weightDecay)
    {
        _parameters = parameters.ToArray();
        using (no_grad())
        {
            _firstMoments = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
            _secondMoments = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        }

        LearningRate = learningRate;
        _weightDecay = weightDecay;
    }

    /// <summary>Gets or sets the learning rate of the next step.</summary>
    public double LearningRate { get; set; }

    /// <summary>Applies one update from the parameters' gradients (parameters without a gradient are left alone).</summary>
    public void Step() => Step(_parameters.Select(p => p.grad).ToArray());

    /// <summary>Applies one update from gradients held elsewhere (mixed precision: float32 copies of a bfloat16 model's).</summary>
    /// <param name="gradients">One gradient per parameter, in parameter order; null leaves that parameter alone.</param>
    public void Step(IReadOnlyList<Tensor?> gradients)
    {
        if (gradients.Count != _parameters.Length)
        {
            throw new ArgumentException($"Expected {_parameters.Length} gradients, got {gradients.Count}.", nameof(gradients));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _steps++;
        double correction1 = 1 - Math.Pow(Beta1, _steps), correction2 = 1 - Math.Pow(Beta2, _steps);
        using Scalar decay = 1 - (LearningRate * _weightDecay), beta1 = Beta1, keep1 = 1 - Beta1, beta2 = Beta2, keep2 = 1 - Beta2;
        using Scalar rootCorrection2 = Math.Sqrt(correction2), epsilon = Epsilon, negativeStep = -LearningRate / correction1, one = 1;
        for (int i = 0; i < _parameters.Length; i++)
        {
            Tensor? gradient = gradients[i];
            if (gradient is null)
            {
                continue;
            }

            _parameters[i].mul_(decay);
            _firstMoments[i].mul_(beta1).add_(gradient, keep1);
            _secondMoments[i].mul_(beta2).addcmul_(gradient, gradient, keep2);
            Tensor denominator = _secondMoments[i].sqrt().div_(rootCorrection2).add_(epsilon, one);
            _parameters[i].addcdiv_(_firstMoments[i], denominator, negativeStep);
        }
    }

    /// <summary>Writes the step count and the moments.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(_steps);
        writer.Write(_parameters.Length);
        foreach (Tensor moment in _firstMoments.Concat(_secondMoments))
        {
            moment.Save(writer);
        }
    }

    /// <summary>Reads what <see cref="Save"/> wrote, for the same parameters.</summary>
    public void Load(BinaryReader reader)
    {
        _steps = reader.ReadInt64();
        int count = reader.ReadInt32();
        if (count != _parameters.Length)
        {
            throw new InvalidDataException($"The checkpoint's optimizer state has {count} parameters; the model has {_parameters.Length}.");
        }

        foreach (Tensor moment in _firstMoments.Concat(_secondMoments))
        {
            moment.Load(reader);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (Tensor moment in _firstMoments.Concat(_secondMoments))
        {
            moment.Dispose();
        }
    }
}
