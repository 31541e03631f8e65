using CqtMl.Torch.Generator;
using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Torch.Tests.Generator;

/// <summary>Gradient checkpointing recomputes activations without changing the gradients (dropout included).</summary>
public class CheckpointedBlockTests
{
    [Fact]
    public void CheckpointedGradientsEqualPlainGradients()
    {
        torch.manual_seed(31);
        using var model = new CqtVisionTransformer(GeneratorConfig.Demo with { Depth = 3, Dropout = 0.2 });
        using var x = rand(2, 2, 84, 40);
        using var target = randint(0, 16, new long[] { 2 * 4 * 40 });

        Dictionary<string, float[]> Gradients(bool checkpointing)
        {
            model.train();
            model.GradientCheckpointing = checkpointing;
            model.zero_grad();
            torch.manual_seed(7); // the same dropout masks in both runs
            using (NewDisposeScope())
            {
                Tensor logits = model.forward(x);
                nn.functional.cross_entropy(logits.permute(0, 1, 3, 2).reshape(-1, 16), target).backward();
            }

            return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.data<float>().ToArray());
        }

        Dictionary<string, float[]> plain = Gradients(false), checkpointed = Gradients(true);
        Assert.Equal(plain.Keys, checkpointed.Keys);
        foreach (string name in plain.Keys)
        {
            float scale = plain[name].Max(Math.Abs) + 1e-12f;
            float difference = plain[name].Zip(checkpointed[name]).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(difference <= 1e-5f * scale, $"{name}: gradient differs by {difference} (scale {scale})");
        }

        Assert.Contains(plain.Values, g => g.Any(v => v != 0));
    }
}
