using CqtMl.Torch.Reward;
using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Torch.Dpo;

/// <summary>
/// The DPO loss (Rafailov et al. 2023, as TRL's <c>sigmoid</c> loss): each sample's implicit reward is
/// <c>beta (log pi(y) - log pi_ref(y))</c>, and the pair's loss is the Bradley-Terry loss of the two implicit rewards,
/// <c>-log sigmoid(r_chosen - r_rejected)</c>; a tie (target 0.5) has loss <c>-(log sigmoid(d) + log sigmoid(-d)) / 2</c>,
/// least when the policy moves both samples' likelihood by the same amount relative to the reference.
/// </summary>
public static class DpoLoss
{
    /// <summary>Computes the implicit rewards beta (log pi - log pi_ref).</summary>
    /// <param name="policy">log pi <c>[B]</c>.</param>
    /// <param name="reference">log pi_ref <c>[B]</c>.</param>
    /// <param name="beta">beta > 0.</param>
    /// <returns>The rewards <c>[B]</c>.</returns>
    public static Tensor ImplicitRewards(Tensor policy, Tensor reference, double beta)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reference);
        using var scope = NewDisposeScope();
        return policy.Minus(reference).Times(beta).MoveToOuterDisposeScope();
    }

    /// <summary>Computes the mean DPO loss of a batch of pairs.</summary>
    /// <param name="policyA">log pi of the A samples <c>[B]</c>.</param>
    /// <param name="policyB">log pi of the B samples <c>[B]</c>.</param>
    /// <param name="referenceA">log pi_ref of the A samples <c>[B]</c>.</param>
    /// <param name="referenceB">log pi_ref of the B samples <c>[B]</c>.</param>
    /// <param name="targets">1 when A is preferred, 0 when B is, 0.5 for a tie <c>[B]</c>.</param>
    /// <param name="beta">beta > 0: how far the policy may move from the reference for a given preference strength.</param>
    /// <returns>The scalar loss.</returns>
    public static Tensor Compute(Tensor policyA, Tensor policyB, Tensor referenceA, Tensor referenceB, Tensor targets, double beta)
    {
        if (!(beta > 0) || double.IsInfinity(beta))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be positive and finite.");
        }

        using var scope = NewDisposeScope();
        Tensor rewardsA = ImplicitRewards(policyA, referenceA, beta), rewardsB = ImplicitRewards(policyB, referenceB, beta);
        return BradleyTerryLoss.Compute(rewardsA, rewardsB, targets).MoveToOuterDisposeScope();
    }
}
