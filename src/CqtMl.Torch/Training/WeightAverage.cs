using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CqtMl.Torch.Training;

/// <summary>
/// An exponential moving average of the parameters (as timm's model EMA): after every step, average = decay x
/// average + (1 - decay) x weights. Evaluating and exporting the average smooths the step-to-step noise of a short
/// run on little data. <see cref="Swap"/> exchanges the averaged and the live weights in place.
/// </summary>
internal sealed class WeightAverage : IDisposable
{
    private readonly Parameter[] _parameters;
    private readonly Tensor[] _average;
    private readonly double _decay;

    public WeightAverage(IEnumerable<Parameter> parameters, double decay)
    {
        _parameters = parameters.ToArray();
        _decay = decay;
        using (no_grad())
        {
            _average = _parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
        }
    }

    /// <summary>Moves the average towards the current weights.</summary>
    public void Update()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using Scalar keep = _decay, take = 1 - _decay;
        for (int i = 0; i < _parameters.Length; i++)
        {
            _average[i].mul_(keep).add_(_parameters[i], take);
        }
    }

    /// <summary>Exchanges the averaged and the live weights (call twice to undo).</summary>
    public void Swap()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < _parameters.Length; i++)
        {
            Tensor live = _parameters[i].detach().clone();
            _parameters[i].copy_(_average[i]);
            _average[i].copy_(live);
        }
    }

    /// <summary>Writes the average.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(_average.Length);
        foreach (Tensor tensor in _average)
        {
            tensor.Save(writer);
        }
    }

    /// <summary>Reads what <see cref="Save"/> wrote, for the same parameters.</summary>
    public void Load(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count != _average.Length)
        {
            throw new InvalidDataException($"The checkpoint's weight average has {count} tensors; the model has {_average.Length}.");
        }

        foreach (Tensor tensor in _average)
        {
            tensor.Load(reader);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (Tensor tensor in _average)
        {
            tensor.Dispose();
        }
    }
}
