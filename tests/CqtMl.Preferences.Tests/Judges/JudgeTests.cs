using CqtMl.Audio.Cqt;
using CqtMl.Preferences.Comparisons;
using CqtMl.Preferences.Judges;

namespace CqtMl.Preferences.Tests.Judges;

/// <summary>
/// The judges on a constructed clip whose answer is obvious: silence, then from frame 100 to 300 a loud tone in
/// register 2 (MIDI 60-71: bins 36-47 of the default CQT, whose bin 0 is MIDI 24) at full scale (log(1 + 100 x) = 5), so
/// there is one onset, at frame 100.
/// </summary>
public class JudgeTests
{
    private const int Frames = 400, Start = 100, End = 300;

    private static JudgedClip Clip()
    {
        var options = new CqtOptions();
        var cqt = new float[2 * options.BinCount * Frames];
        float fullScale = (MathF.Exp(JudgedClip.RegisterFullScale) - 1) / 100;
        for (int channel = 0; channel < 2; channel++)
        {
            for (int bin = 36; bin < 48; bin++)
            {
                for (int t = Start; t < End; t++)
                {
                    cqt[(((channel * options.BinCount) + bin) * Frames) + t] = fullScale;
                }
            }
        }

        return new JudgedClip(cqt, Frames, options);
    }

    /// <summary>Controls [4, T] that are 0 except <paramref name="level"/> in register <paramref name="register"/> over [from, to).</summary>
    private static float[] Controls(int register, int from, int to, float level = 1f)
    {
        var controls = new float[4 * Frames];
        for (int t = from; t < to; t++)
        {
            controls[(register * Frames) + t] = level;
        }

        return controls;
    }

    [Fact]
    public void TheClipHasOneOnsetAtTheToneAndEnergyOnlyInItsRegister()
    {
        JudgedClip clip = Clip();
        Assert.Equal(new[] { Start }, clip.Onsets);
        Assert.Equal(1f, clip.RegisterEnergy[(2 * Frames) + 150], 5);
        Assert.Equal(0f, clip.RegisterEnergy[(2 * Frames) + 50]);
        Assert.Equal(0f, clip.RegisterEnergy[(1 * Frames) + 150]);
    }

    [Fact]
    public void RegisterEnergyPrefersControlsThatFollowTheirRegister()
    {
        JudgedClip clip = Clip();
        float[] following = Controls(2, Start, End), wrongRegister = Controls(0, Start, End), wrongTime = Controls(2, 0, Start);
        var judge = new RegisterEnergyJudge();
        Assert.Equal(0, judge.Score(clip, following), 5);
        Assert.Equal(PreferenceLabel.A, PreferenceJudging.Label(judge, clip, following, wrongRegister));
        Assert.Equal(PreferenceLabel.B, PreferenceJudging.Label(judge, clip, wrongTime, following));

        // Hand-computed: register 0 on over 200 frames where the energy is 0, register 2 off over 200 frames where it is 1.
        Assert.Equal(-400.0 / (4 * Frames), judge.Score(clip, wrongRegister), 5);

        // Half the energy asks for half the level: the scale is fixed, not the clip's loudest frame.
        var options = new CqtOptions();
        var quiet = new float[2 * options.BinCount * Frames];
        float half = (MathF.Exp(JudgedClip.RegisterFullScale / 2) - 1) / 100;
        for (int i = 36 * Frames; i < 48 * Frames; i++)
        {
            quiet[i] = quiet[(options.BinCount * Frames) + i] = half;
        }

        Assert.Equal(0.5f, new JudgedClip(quiet, Frames, options).RegisterEnergy[(2 * Frames) + 7], 5);
    }

    [Fact]
    public void OnsetPrefersChangesAtTheOnset()
    {
        JudgedClip clip = Clip();
        float[] atOnset = Controls(2, Start, Frames), late = Controls(2, 200, Frames), both = Controls(2, Start, End);
        var judge = new OnsetJudge();
        Assert.Equal(1 / clip.Seconds, judge.Score(clip, atOnset), 9);
        Assert.Equal(-1 / clip.Seconds, judge.Score(clip, late), 9);
        Assert.Equal(0.0, judge.Score(clip, both)); // one change at the onset, one at the tone's end (no onset there)
        Assert.Equal(0.0, judge.Score(clip, new float[4 * Frames])); // never changes
        float[] blip = Controls(2, Start, Frames);
        blip[(1 * Frames) + Start + 2] = 1f; // control 1 up and down again 2 and 3 frames after the onset (within 50 ms)
        Assert.Equal(3 / clip.Seconds, judge.Score(clip, blip), 9);
        Assert.Equal(PreferenceLabel.A, PreferenceJudging.Label(judge, clip, atOnset, late));
        Assert.Equal(PreferenceLabel.B, PreferenceJudging.Label(judge, clip, both, atOnset));
    }

    [Fact]
    public void SmoothnessPrefersFewerChangesAndTiesEqualSamples()
    {
        JudgedClip clip = Clip();
        float[] smooth = Controls(2, Start, End);
        float[] flickering = (float[])smooth.Clone();
        for (int t = 150; t < 160; t += 2)
        {
            flickering[(2 * Frames) + t] = 0.5f; // 5 dips of one frame: 10 more changes
        }

        var judge = new SmoothnessJudge();
        Assert.Equal(2, ControlChanges.Count(smooth, Frames));
        Assert.Equal(12, ControlChanges.Count(flickering, Frames));
        Assert.Equal(-2 * clip.Options.FrameRate / Frames, judge.Score(clip, smooth), 9);
        Assert.Equal(PreferenceLabel.A, PreferenceJudging.Label(judge, clip, smooth, flickering));
        Assert.Equal(PreferenceLabel.Tie, PreferenceJudging.Label(judge, clip, smooth, (float[])smooth.Clone()));
    }

    [Fact]
    public void JudgesAreFoundByNameAndUnknownNamesListThem()
    {
        Assert.Equal(new[] { "onset", "register-energy", "smoothness" }, PreferenceJudging.BuiltIn.Select(j => j.Name));
        Assert.IsType<SmoothnessJudge>(PreferenceJudging.Named("smoothness"));
        var error = Assert.Throws<ArgumentException>(() => PreferenceJudging.Named("loudness"));
        Assert.Contains("onset, register-energy, smoothness", error.Message);
        Assert.Throws<ArgumentException>(() => new SmoothnessJudge().Score(Clip(), new float[Frames + 1]));
    }
}
