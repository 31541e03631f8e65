using CqtMl.Torch.Reward;
using TorchSharp;

namespace CqtMl.Torch.Tests.Reward;

/// <summary>Reward models for the parity tests.</summary>
internal static class RewardModels
{
    /// <summary>
    /// A random reward model whose frame head's output layer and linear term are random too (they start at zero, which
    /// would hide those paths from a comparison of two implementations).
    /// </summary>
    public static RewardModel Random(RewardConfig config, int seed)
    {
        torch.manual_seed(seed);
        var model = new RewardModel(config);
        using (torch.no_grad())
        {
            foreach ((string name, TorchSharp.Modules.Parameter parameter) in model.named_parameters())
            {
                if (name.StartsWith("frame_head.fc2.", StringComparison.Ordinal) || name == "frame_head.linear.weight")
                {
                    parameter.normal_(0, 0.02);
                }
            }
        }

        return model;
    }
}
