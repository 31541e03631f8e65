using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Torch.Tests;

public class TorchRuntimeTests
{
    [Fact]
    public void BackwardPassComputesTheAnalyticGradient()
    {
        // y = sum(w * x^2) with x = [1, 2, 3], w = [0.5, -1, 2]  =>  dy/dx = 2 * w * x = [1, -4, 12].
        using var x = tensor(new float[] { 1f, 2f, 3f }, requires_grad: true);
        using var w = tensor(new float[] { 0.5f, -1f, 2f });
        using var y = (w * x.pow(2)).sum();
        y.backward();

        Assert.Equal(0.5f * 1 + -1f * 4 + 2f * 9, y.item<float>(), 5);
        float[] gradient = x.grad!.data<float>().ToArray();
        Assert.Equal(new[] { 1f, -4f, 12f }, gradient);
    }

    [Fact]
    public void LinearLayerTrainsOnCpu()
    {
        // A few SGD steps on y = 3x - 1 must reduce the loss: the whole autograd + optimizer path works.
        torch.manual_seed(1);
        var layer = nn.Linear(1, 1);
        var optimizer = optim.SGD(layer.parameters(), 0.1);
        using var xs = linspace(-1, 1, 16).reshape(16, 1);
        using var ys = 3 * xs - 1;
        float first = 0, last = 0;
        for (int step = 0; step < 50; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(layer.forward(xs), ys);
            loss.backward();
            optimizer.step();
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
        }

        Assert.True(last < first * 0.05, $"loss went from {first} to {last}");
        Assert.Contains("CPU", TorchRuntime.Describe());
    }
}
