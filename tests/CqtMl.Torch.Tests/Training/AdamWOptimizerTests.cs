using CqtMl.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CqtMl.Torch.Tests.Training;

/// <summary>The project's AdamW against TorchSharp's (PyTorch's update rule), step for step.</summary>
public class AdamWOptimizerTests
{
    [Fact]
    public void StepsMatchTorchSharpAdamW()
    {
        torch.manual_seed(3);
        using var ours = nn.Linear(6, 4);
        using var reference = nn.Linear(6, 4);
        reference.load_state_dict(ours.state_dict());
        using var optimizer = new AdamWOptimizer(ours.parameters(), 0.01, 0.05);
        using var referenceOptimizer = optim.AdamW(reference.parameters(), 0.01, weight_decay: 0.05);
        using var x = randn(8, 6);
        using var y = tensor(new long[] { 0, 1, 2, 3, 0, 1, 2, 3 });
        for (int step = 0; step < 25; step++)
        {
            optimizer.LearningRate = 0.01 * (1 - (step / 50.0));
            foreach (optim.ILearningRateController group in referenceOptimizer.ParamGroups)
            {
                group.LearningRate = optimizer.LearningRate;
            }

            using (NewDisposeScope())
            {
                ours.zero_grad();
                nn.functional.cross_entropy(ours.forward(x), y).backward();
                optimizer.Step();
                referenceOptimizer.zero_grad();
                nn.functional.cross_entropy(reference.forward(x), y).backward();
                referenceOptimizer.step();
            }
        }

        foreach (var ((name, a), (_, b)) in ours.named_parameters().Zip(reference.named_parameters()))
        {
            float difference = (a - b).abs().max().item<float>();
            Assert.True(difference < 1e-6, $"{name}: max difference {difference}");
        }

        // The state (step count and moments) round-trips through a stream.
        byte[] saved = Save(optimizer);
        using var restored = new AdamWOptimizer(ours.parameters(), 0.01, 0.05);
        Assert.NotEqual(saved, Save(restored));
        using (var reader = new BinaryReader(new MemoryStream(saved)))
        {
            restored.Load(reader);
        }

        Assert.Equal(saved, Save(restored));
    }

    private static byte[] Save(AdamWOptimizer optimizer)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            optimizer.Save(writer);
        }

        return stream.ToArray();
    }
}
