using CqtMl.Torch.Training;

namespace CqtMl.Torch.Tests.Training;

/// <summary>RegisterMetrics against hand-counted frames.</summary>
public class RegisterMetricsTests
{
    // 2 registers x 4 frames. Register 0: predicted 1 1 0 0, target 1 0 1 0 -> tp 1, fp 1, fn 1.
    // Register 1: predicted 0.6 0.6 0.6 0.4, target 1 1 1 1 -> tp 3, fn 1 (0.5 is the threshold).
    private static readonly float[] Predicted = { 1, 1, 0, 0, 0.6f, 0.6f, 0.6f, 0.4f };
    private static readonly float[] Targets = { 1, 0, 1, 0, 1, 1, 1, 1 };

    [Fact]
    public void F1CountsAllRegistersAndFramesTogether()
    {
        // tp 4, fp 1, fn 2: 8 / (8 + 3).
        Assert.Equal(8.0 / 11.0, RegisterMetrics.F1(Predicted, Targets), 12);
        Assert.Equal(1.0, RegisterMetrics.F1(new float[3], new float[3]));
    }

    [Fact]
    public void PerRegisterCountsEachRow()
    {
        IReadOnlyList<RegisterScore> scores = RegisterMetrics.PerRegister(Predicted, Targets, registers: 2);

        Assert.Equal(new RegisterScore(0, 1, 1, 1), scores[0]);
        Assert.Equal(new RegisterScore(1, 3, 0, 1), scores[1]);
        Assert.Equal(0.5, scores[0].Precision);
        Assert.Equal(0.75, scores[1].Recall);
        Assert.Equal(6.0 / 7.0, scores[1].F1, 12);
        Assert.Equal(new RegisterScore(0, 2, 2, 2), scores[0].Add(scores[0]));
    }

    [Fact]
    public void MismatchedLayoutsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => RegisterMetrics.F1(new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => RegisterMetrics.PerRegister(new float[6], new float[6], registers: 4));
    }
}
