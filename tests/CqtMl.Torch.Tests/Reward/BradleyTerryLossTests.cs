using CqtMl.Torch.Reward;
using static TorchSharp.torch;

namespace CqtMl.Torch.Tests.Reward;

/// <summary>The preference loss against values computed by hand (log sigmoid written out).</summary>
public class BradleyTerryLossTests
{
    private static double LogSigmoid(double x) => -Math.Log(1 + Math.Exp(-x));

    [Fact]
    public void StrictPreferencesTiesMarginAndCentringMatchHandComputedValues()
    {
        // Pairs: A preferred with d = 1.5 - 0.5 = 1; B preferred with d = 0.2 - (-0.3) = 0.5; a tie with d = -2 - 1 = -3.
        float[] a = { 1.5f, 0.2f, -2f }, b = { 0.5f, -0.3f, 1f }, y = { 1f, 0f, 0.5f };
        using Tensor ra = tensor(a), rb = tensor(b), targets = tensor(y);

        double plain = (-LogSigmoid(1) - LogSigmoid(-0.5) - ((LogSigmoid(-3) + LogSigmoid(3)) / 2)) / 3;
        using (Tensor loss = BradleyTerryLoss.Compute(ra, rb, targets))
        {
            Assert.Equal(plain, loss.item<float>(), 5);
        }

        // Margin 0.25 on the strict pairs only: -log sigmoid(1 - 0.25), -log sigmoid(-0.5 - 0.25); the tie is unchanged.
        double withMargin = (-LogSigmoid(0.75) - LogSigmoid(-0.75) - ((LogSigmoid(-3) + LogSigmoid(3)) / 2)) / 3;
        using (Tensor loss = BradleyTerryLoss.Compute(ra, rb, targets, margin: 0.25))
        {
            Assert.Equal(withMargin, loss.item<float>(), 5);
        }

        // Centring 0.1: mean((r_a + r_b)^2) = (2^2 + (-0.1)^2 + (-1)^2) / 3.
        double centring = 0.1 * ((4 + 0.01 + 1) / 3.0);
        using (Tensor loss = BradleyTerryLoss.Compute(ra, rb, targets, centring: 0.1))
        {
            Assert.Equal(plain + centring, loss.item<float>(), 5);
        }
    }

    [Fact]
    public void GradientPullsThePreferredRewardUp()
    {
        using Tensor ra = tensor(new[] { 0f }).requires_grad_(true), rb = tensor(new[] { 0f }).requires_grad_(true);
        using Tensor loss = BradleyTerryLoss.Compute(ra, rb, tensor(new[] { 1f }));
        loss.backward();

        // d/dr_a of -log sigmoid(r_a - r_b) at 0 is -(1 - sigmoid(0)) = -0.5.
        Assert.Equal(-0.5f, ra.grad!.item<float>(), 6);
        Assert.Equal(0.5f, rb.grad!.item<float>(), 6);
    }
}
