using CqtMl.Onnx.Generation;
using CqtMl.Onnx.Models;
using CqtMl.Onnx.Reward;

namespace CqtMl.Cli.Serving;

/// <summary>The generator and the reward model the API serves, loaded once (ONNX Runtime sessions run concurrent requests).</summary>
internal sealed class ServedModels : IDisposable
{
    private ServedModels(OnnxControlGenerator generator, OnnxRewardModel reward, string source)
    {
        BestOfN.CheckSameCqt(generator.Info, reward.Info);
        Generator = generator;
        Reward = reward;
        Source = source;
    }

    /// <summary>Gets the generator.</summary>
    public OnnxControlGenerator Generator { get; }

    /// <summary>Gets the reward model.</summary>
    public OnnxRewardModel Reward { get; }

    /// <summary>Gets where the models come from (a folder, or the shipped models).</summary>
    public string Source { get; }

    /// <summary>Loads <c>generator.onnx</c> and <c>reward.onnx</c> from a folder, or the shipped models when it is null.</summary>
    public static ServedModels Load(string? folder)
    {
        if (folder is null)
        {
            return new ServedModels(OnnxControlGenerator.LoadOrShipped(null), OnnxRewardModel.LoadOrShipped(null), ShippedModels.Source);
        }

        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{folder}: models folder not found");
        }

        OnnxControlGenerator generator = OnnxControlGenerator.Load(Path.Combine(folder, ShippedModels.GeneratorFile));
        try
        {
            return new ServedModels(generator, OnnxRewardModel.Load(Path.Combine(folder, ShippedModels.RewardFile)), Path.GetFullPath(folder));
        }
        catch
        {
            generator.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Generator.Dispose();
        Reward.Dispose();
    }
}
