using CqtMl.Audio.Cqt;

namespace CqtMl.Cli.Experiments;

/// <summary>The CQT parameters of an experiment (the project's defaults unless changed).</summary>
internal sealed record ExperimentCqt
{
    /// <summary>Gets the sample rate audio is resampled to.</summary>
    public int SampleRate { get; init; } = 22050;

    /// <summary>Gets the hop between frames in samples.</summary>
    public int HopLength { get; init; } = 64;

    /// <summary>Gets the number of bins.</summary>
    public int Bins { get; init; } = 84;

    /// <summary>Gets the bins per octave.</summary>
    public int BinsPerOctave { get; init; } = 12;

    /// <summary>Gets the lowest bin's frequency in Hz.</summary>
    public double Fmin { get; init; } = CqtOptions.C1;

    /// <summary>The options for the extractor.</summary>
    public CqtOptions ToOptions() => new() { SampleRate = SampleRate, HopLength = HopLength, BinCount = Bins, BinsPerOctave = BinsPerOctave, FMin = Fmin };
}
