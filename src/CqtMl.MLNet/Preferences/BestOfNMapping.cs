using CqtMl.Onnx.Reward;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace CqtMl.MLNet;

/// <summary>
/// The versioned custom mapping (<c>CqtMl.BestOfN.v1</c>) that keeps the best of a row's N samples: from controls
/// <c>[N, 4, T]</c> and their N rewards, the sample with the largest reward (the first of equals) and that reward.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class BestOfNMapping : CustomMappingFactory<BestOfNMapping.Input, BestOfNMapping.Output>
{
    /// <summary>The contract name saved in models.</summary>
    public const string ContractName = "CqtMl.BestOfN.v1";

    /// <summary>The helper column holding the N samples.</summary>
    public const string SamplesColumn = "__cqtml_bon_samples";

    /// <summary>The helper column holding the N rewards.</summary>
    public const string RewardsColumn = "__cqtml_bon_rewards";

    /// <summary>The helper column holding the best sample.</summary>
    public const string BestColumn = "__cqtml_bon_best";

    /// <summary>The helper column holding the best reward.</summary>
    public const string BestRewardColumn = "__cqtml_bon_best_reward";

    /// <inheritdoc/>
    public override Action<Input, Output> GetMapping() => Map;

    /// <summary>Picks the best sample of a row.</summary>
    /// <param name="input">The samples and rewards.</param>
    /// <param name="output">The best sample and its reward.</param>
    public static void Map(Input input, Output output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        int n = input.Rewards.Length;
        if (n == 0 || input.Samples.Length % n != 0)
        {
            throw new InvalidOperationException($"{input.Samples.Length} control values do not split into {n} samples.");
        }

        int best = BestOfN.Best(input.Rewards), size = input.Samples.Length / n;
        output.Best = input.Samples.AsSpan(best * size, size).ToArray();
        output.Reward = input.Rewards[best];
    }

    /// <summary>The mapping's input row.</summary>
    public sealed class Input
    {
        /// <summary>Gets or sets the samples <c>[N, 4, T]</c>.</summary>
        [ColumnName(SamplesColumn)]
        public float[] Samples { get; set; } = Array.Empty<float>();

        /// <summary>Gets or sets the N rewards.</summary>
        [ColumnName(RewardsColumn)]
        public float[] Rewards { get; set; } = Array.Empty<float>();
    }

    /// <summary>The mapping's output row.</summary>
    public sealed class Output
    {
        /// <summary>Gets or sets the best sample <c>[1, 4, T]</c>.</summary>
        [ColumnName(BestColumn)]
        public float[] Best { get; set; } = Array.Empty<float>();

        /// <summary>Gets or sets its reward.</summary>
        [ColumnName(BestRewardColumn)]
        public float Reward { get; set; }
    }
}
