using CqtMl.Onnx.Generation;
using CqtMl.Torch.Dpo;
using CqtMl.Torch.Generator;
using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Torch.Tests.Dpo;

/// <summary>A generator's log-probability of its own sample is the sum of its head's log-softmax at the sampled levels.</summary>
public class PolicyLogProbabilityTests
{
    private static readonly GeneratorConfig Small = new(32, 1, 2, 64);

    [Fact]
    public void EqualsTheSumOfTheHeadsLogSoftmaxAtTheSampledLevels()
    {
        torch.manual_seed(5);
        using var model = new CqtVisionTransformer(Small);
        const int frames = 19;
        var random = new Random(2);
        float[] cqt = Enumerable.Range(0, 2 * 84 * frames).Select(_ => (float)random.NextDouble()).ToArray();
        using Tensor input = tensor(cqt, 1, 2, 84, frames);
        const double temperature = 0.7;
        float[] sample = ControlSampler.Generate(model, input, new GenerationOptions { Mode = GenerationMode.Stochastic, Temperature = (float)temperature, Seed = 3 });
        Assert.Equal(-1, PolicyLogProbability.FirstOffLevel(sample, Small.Levels));

        model.eval();
        float[] logits;
        using (no_grad())
        {
            logits = model.forward(input).data<float>().ToArray();
        }

        // By hand, in doubles: log softmax over the K levels of logits / temperature, at the sampled level.
        int k = Small.Levels;
        double expected = 0;
        for (int c = 0; c < 4; c++)
        {
            for (int t = 0; t < frames; t++)
            {
                double[] scaled = Enumerable.Range(0, k).Select(level => logits[(((c * k) + level) * frames) + t] / temperature).ToArray();
                double max = scaled.Max(), logSum = max + Math.Log(scaled.Sum(v => Math.Exp(v - max)));
                int chosen = (int)Math.Round(sample[(c * frames) + t] * (k - 1));
                expected += scaled[chosen] - logSum;
            }
        }

        using var noGrad = no_grad();
        using Tensor actual = PolicyLogProbability.Of(model, input, tensor(sample, 1, 4, frames), tensor(new[] { (float)temperature }));
        Assert.Equal(expected, actual.item<float>(), 2);
        Assert.True(expected < 0);
    }

    [Fact]
    public void FindsControlsOffTheLevels()
    {
        Assert.Equal(-1, PolicyLogProbability.FirstOffLevel(new[] { 0f, 1f / 15, 14f / 15, 1f }, 16));
        Assert.Equal(1, PolicyLogProbability.FirstOffLevel(new[] { 0f, 0.5f, 1f }, 16)); // 7.5 of 15
        Assert.Equal(2, PolicyLogProbability.FirstOffLevel(new[] { 0f, 1f, float.NaN }, 16));
        Assert.Equal(0, PolicyLogProbability.FirstOffLevel(new[] { 1.5f }, 16));
    }
}
