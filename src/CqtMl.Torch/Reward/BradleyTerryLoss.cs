using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Torch.Reward;

/// <summary>
/// The Bradley-Terry preference loss with ties and a margin, plus TRL's reward-centring term. For a pair with rewards
/// r_a, r_b, difference d = r_a - r_b and target y (1: A preferred, 0: B preferred, 0.5: tie):
/// <c>loss = y softplus(-(d - m)) + (1 - y) softplus(d + m)</c>, i.e. <c>-log sigmoid(r_chosen - r_rejected - m)</c>
/// for a strict preference (margin m; no margin for ties, whose loss is
/// <c>-(log sigmoid(d) + log sigmoid(-d)) / 2</c>), averaged over the batch, plus
/// <c>centring x mean((r_a + r_b)^2)</c>, which keeps rewards centred on 0 (TRL's <c>center_rewards_coefficient</c>).
/// </summary>
public static class BradleyTerryLoss
{
    /// <summary>Computes the loss.</summary>
    /// <param name="rewardsA">r_a <c>[B]</c>.</param>
    /// <param name="rewardsB">r_b <c>[B]</c>.</param>
    /// <param name="targets">y <c>[B]</c>: 1, 0 or 0.5.</param>
    /// <param name="margin">m >= 0, applied to strict preferences.</param>
    /// <param name="centring">The centring coefficient >= 0.</param>
    /// <returns>The scalar loss.</returns>
    public static Tensor Compute(Tensor rewardsA, Tensor rewardsB, Tensor targets, double margin = 0, double centring = 0)
    {
        ArgumentNullException.ThrowIfNull(rewardsA);
        ArgumentNullException.ThrowIfNull(rewardsB);
        ArgumentNullException.ThrowIfNull(targets);
        using var scope = NewDisposeScope();
        Tensor difference = rewardsA.Minus(rewardsB);

        // |2y - 1| is 1 for a strict preference and 0 for a tie: the margin applies to strict preferences only.
        Tensor strictMargin = targets.Times(2).Plus(-1.0).abs().Times(margin);
        Tensor preferA = nn.functional.softplus(strictMargin.Minus(difference));
        Tensor preferB = nn.functional.softplus(difference.Plus(strictMargin));
        Tensor notA = ones_like(targets).Minus(targets);
        Tensor loss = targets.mul(preferA).Plus(notA.mul(preferB)).mean();
        if (centring > 0)
        {
            loss = loss.Plus(rewardsA.Plus(rewardsB).square().mean().Times(centring));
        }

        return loss.MoveToOuterDisposeScope();
    }
}
