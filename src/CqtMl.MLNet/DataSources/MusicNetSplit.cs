namespace CqtMl.MLNet;

/// <summary>Which part of a MusicNet-layout data set to load.</summary>
public enum MusicNetSplit
{
    /// <summary>Both splits, train first.</summary>
    All = 0,

    /// <summary><c>train_data</c> / <c>train_labels</c>.</summary>
    Train = 1,

    /// <summary><c>test_data</c> / <c>test_labels</c>.</summary>
    Test = 2,
}
