using CqtMl.Audio.Cqt;
using CqtMl.Audio.Music;

namespace CqtMl.Preferences.Judges;

/// <summary>
/// A clip as judges see it: its CQT tensor <c>[2, bins, T]</c> and the features judges share, computed once: the
/// log-compressed spectrum, the onset strength (spectral flux), the onsets, and the energy of each pitch register.
/// </summary>
public sealed class JudgedClip
{
    /// <summary>The gain of the log compression log(1 + gain x) of the channel-mean CQT.</summary>
    public const float LogGain = 100;

    /// <summary>
    /// The register energy that counts as full scale (1): log(1 + 100 x) = 5, x about 1.5, a loud bin (the 95th
    /// percentile of the loudest register of the FMA fixtures is 4.7 to 5.6).
    /// </summary>
    public const float RegisterFullScale = 5;
    private readonly float[] _cqt;
    private float[]? _logSpectrum;
    private float[]? _onsetStrength;
    private int[]? _onsets;
    private float[]? _registerEnergy;

    /// <summary>Wraps a clip's CQT.</summary>
    /// <param name="cqt">CQT magnitudes <c>[2, bins, T]</c>, row-major.</param>
    /// <param name="frames">T.</param>
    /// <param name="options">The CQT's parameters (bins, bins per octave, fmin, frame rate).</param>
    public JudgedClip(float[] cqt, int frames, CqtOptions options)
    {
        ArgumentNullException.ThrowIfNull(cqt);
        ArgumentNullException.ThrowIfNull(options);
        if (frames < 1 || cqt.Length != 2L * options.BinCount * frames)
        {
            throw new ArgumentException($"Expected a CQT [2, {options.BinCount}, {frames}], got {cqt.Length} values.", nameof(cqt));
        }

        _cqt = cqt;
        Frames = frames;
        Options = options;
    }

    /// <summary>Gets T.</summary>
    public int Frames { get; }

    /// <summary>Gets the CQT's parameters.</summary>
    public CqtOptions Options { get; }

    /// <summary>Gets the clip's length in seconds (T / frame rate).</summary>
    public double Seconds => Frames / Options.FrameRate;

    /// <summary>Gets log(1 + 100 x) of the channels' mean magnitude, <c>[bins, T]</c>.</summary>
    public float[] LogSpectrum => _logSpectrum ??= ComputeLogSpectrum();

    /// <summary>Gets the onset strength per frame: the spectral flux, the sum over bins of the log spectrum's rises.</summary>
    public float[] OnsetStrength => _onsetStrength ??= ComputeOnsetStrength();

    /// <summary>
    /// Gets the onset frames: peaks of <see cref="OnsetStrength"/> that are the largest within 50 ms either side and
    /// exceed its mean by half a standard deviation.
    /// </summary>
    public int[] Onsets => _onsets ??= ComputeOnsets();

    /// <summary>
    /// Gets the energy of each pitch register <c>[4, T]</c> in [0, 1]: the mean log spectrum over the register's bins
    /// (MIDI &lt; 48, 48-59, 60-71, &gt;= 72, from each bin's centre frequency) divided by <see cref="RegisterFullScale"/>
    /// and clipped at 1. The scale is fixed, not the clip's loudest moment, so that a level means the same loudness in
    /// every clip (a quiet passage asks for low levels) and the energy of a frame depends on that frame alone.
    /// </summary>
    public float[] RegisterEnergy => _registerEnergy ??= ComputeRegisterEnergy();

    /// <summary>Gets the number of frames in <paramref name="seconds"/> (at least 1).</summary>
    /// <param name="seconds">A time span.</param>
    /// <returns>Frames.</returns>
    public int FramesIn(double seconds) => Math.Max(1, (int)Math.Round(seconds * Options.FrameRate));

    /// <summary>Gets the pitch register of a CQT bin, from its centre frequency's nearest MIDI note.</summary>
    /// <param name="options">The CQT.</param>
    /// <param name="bin">The bin.</param>
    /// <returns>The register, 0 to 3.</returns>
    public static int RegisterOfBin(CqtOptions options, int bin)
    {
        ArgumentNullException.ThrowIfNull(options);
        return PitchRegister.OfFrequency(options.BinFrequency(bin));
    }

    private float[] ComputeLogSpectrum()
    {
        int bins = Options.BinCount, t = Frames, plane = bins * t;
        var log = new float[plane];
        for (int i = 0; i < plane; i++)
        {
            log[i] = MathF.Log(1 + (LogGain * 0.5f * (_cqt[i] + _cqt[plane + i])));
        }

        return log;
    }

    private float[] ComputeOnsetStrength()
    {
        float[] log = LogSpectrum;
        int bins = Options.BinCount, t = Frames;
        var flux = new float[t];
        for (int b = 0; b < bins; b++)
        {
            for (int f = 1; f < t; f++)
            {
                flux[f] += Math.Max(0, log[(b * t) + f] - log[(b * t) + f - 1]);
            }
        }

        return flux;
    }

    private int[] ComputeOnsets()
    {
        float[] flux = OnsetStrength;
        double mean = flux.Average(), std = Math.Sqrt(flux.Average(v => (v - mean) * (v - mean)));
        double threshold = mean + (0.5 * std);
        int window = FramesIn(0.05);
        var onsets = new List<int>();
        for (int f = 1; f < Frames; f++)
        {
            if (flux[f] <= threshold)
            {
                continue;
            }

            bool peak = true;
            for (int g = Math.Max(0, f - window); g <= Math.Min(Frames - 1, f + window) && peak; g++)
            {
                // The first of equal maxima wins, so a plateau gives one onset.
                peak = g == f || (g < f ? flux[g] < flux[f] : flux[g] <= flux[f]);
            }

            if (peak)
            {
                onsets.Add(f);
            }
        }

        return onsets.ToArray();
    }

    private float[] ComputeRegisterEnergy()
    {
        float[] log = LogSpectrum;
        int bins = Options.BinCount, t = Frames;
        var energy = new float[PitchRegister.Count * t];
        var counts = new int[PitchRegister.Count];
        for (int b = 0; b < bins; b++)
        {
            int register = RegisterOfBin(Options, b);
            counts[register]++;
            for (int f = 0; f < t; f++)
            {
                energy[(register * t) + f] += log[(b * t) + f];
            }
        }

        for (int r = 0; r < PitchRegister.Count; r++)
        {
            for (int f = 0; f < t; f++)
            {
                float mean = counts[r] > 0 ? energy[(r * t) + f] / counts[r] : 0;
                energy[(r * t) + f] = Math.Min(1f, mean / RegisterFullScale);
            }
        }

        return energy;
    }
}
