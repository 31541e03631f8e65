using CqtMl.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Torch.Tests.Training;

/// <summary>The exponential moving average of the weights against its formula.</summary>
public class WeightAverageTests
{
    [Fact]
    public void AverageFollowsTheFormulaAndSwapsBothWays()
    {
        torch.manual_seed(4);
        using var layer = nn.Linear(3, 2);
        float[] initial = layer.weight!.data<float>().ToArray();
        using var average = new WeightAverage(layer.parameters(), 0.9);
        float[] expected = (float[])initial.Clone();
        for (int step = 1; step <= 3; step++)
        {
            using (no_grad())
            {
                layer.weight.add_(ones_like(layer.weight), step); // weights move by 1, 2, 3
            }

            float[] live = layer.weight.data<float>().ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] = (0.9f * expected[i]) + (0.1f * live[i]);
            }

            average.Update();
        }

        float[] current = layer.weight.data<float>().ToArray();
        average.Swap();
        float[] averaged = layer.weight.data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], averaged[i], 5);
            Assert.Equal(initial[i] + 6, current[i], 5);
        }

        average.Swap();
        Assert.Equal(current, layer.weight.data<float>().ToArray());
    }
}
