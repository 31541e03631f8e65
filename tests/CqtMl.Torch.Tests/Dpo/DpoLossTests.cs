using CqtMl.Torch.Dpo;
using static TorchSharp.torch;

namespace CqtMl.Torch.Tests.Dpo;

/// <summary>The DPO loss against values computed by hand.</summary>
public class DpoLossTests
{
    // beta 0.1; log pi(A) = -10 vs reference -12, log pi(B) = -11 vs reference -10: implicit rewards 0.2 and -0.1, d = 0.3.
    [Theory]
    [InlineData(1f, 0.5543552444685271)] // A chosen: log(1 + e^-0.3)
    [InlineData(0f, 0.8543552444685272)] // B chosen: log(1 + e^0.3)
    [InlineData(0.5f, 0.7043552444685272)] // tie: the mean of both
    public void MatchesHandComputedValues(float target, double expected)
    {
        using Tensor loss = DpoLoss.Compute(tensor(new[] { -10f }), tensor(new[] { -11f }), tensor(new[] { -12f }), tensor(new[] { -10f }), tensor(new[] { target }), 0.1);
        Assert.Equal(expected, loss.item<float>(), 5);
    }

    [Fact]
    public void AveragesOverTheBatchAndScalesWithBeta()
    {
        using Tensor batch = DpoLoss.Compute(tensor(new[] { -10f, -10f, -10f }), tensor(new[] { -11f, -11f, -11f }), tensor(new[] { -12f, -12f, -12f }), tensor(new[] { -10f, -10f, -10f }), tensor(new[] { 1f, 0f, 0.5f }), 0.1);
        Assert.Equal(0.7043552444685272, batch.item<float>(), 5);

        // beta 1: d = 3, log(1 + e^-3) = 0.0485873515737421.
        using Tensor sharp = DpoLoss.Compute(tensor(new[] { -10f }), tensor(new[] { -11f }), tensor(new[] { -12f }), tensor(new[] { -10f }), tensor(new[] { 1f }), 1.0);
        Assert.Equal(0.0485873515737421, sharp.item<float>(), 5);

        // The policy equal to the reference: every pair's loss is log 2.
        using Tensor start = DpoLoss.Compute(tensor(new[] { -3f }), tensor(new[] { -7f }), tensor(new[] { -3f }), tensor(new[] { -7f }), tensor(new[] { 0f }), 0.1);
        Assert.Equal(Math.Log(2), start.item<float>(), 5);
    }

    [Fact]
    public void RefusesANonPositiveBeta()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DpoLoss.Compute(zeros(1), zeros(1), zeros(1), zeros(1), ones(1), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DpoLoss.Compute(zeros(1), zeros(1), zeros(1), zeros(1), ones(1), double.NaN));
    }
}
