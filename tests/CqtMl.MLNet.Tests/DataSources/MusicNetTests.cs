using CqtMl.Audio.Decoding;
using CqtMl.Audio.Resampling;
using Microsoft.ML;

namespace CqtMl.MLNet.Tests.DataSources;

public class MusicNetTests
{
    private readonly MLContext _ml = new(seed: 1);

    [SkippableFact]
    public void LoadsOneRowPerRecordingWithMetadataAndLabels()
    {
        SharedData.SkipIfMissing();
        IDataView data = _ml.Data.LoadFromMusicNet(SharedData.Fixture("musicnet"));
        var rows = _ml.Data.CreateEnumerable<MusicNetRecording>(data, reuseRowObject: false).ToList();
        Assert.Equal(new[] { "9001", "9002", "9003", "9004" }, rows.Select(r => r.Id));
        Assert.Equal(new[] { "train", "train", "train", "test" }, rows.Select(r => r.Split));

        MusicNetRecording first = rows[0];
        Assert.Equal("OpenMSX_authors", first.Composer);
        Assert.Equal("harp_harmony", first.Composition);
        Assert.Equal("Pizzicato_Strings+Harp+Organ", first.Ensemble);
        Assert.Equal(15f, first.Seconds);
        Assert.True(File.Exists(first.Path));
        Assert.Equal(21, first.Note.Length);
        Assert.Equal(162831, first.StartTime[0]);
        Assert.Equal(173008, first.EndTime[0]);
        Assert.Equal(18, first.Instrument[0]);
        Assert.Equal(48, first.Note[0]);
        Assert.Equal(8.0f, first.StartBeat[0]);
        Assert.Equal("Eighth", first.NoteValue[0]);

        Assert.Equal(3, _ml.Data.CreateEnumerable<MusicNetRecording>(_ml.Data.LoadFromMusicNet(SharedData.Fixture("musicnet"), MusicNetSplit.Train), false).Count());
        Assert.Equal("9004", Assert.Single(_ml.Data.CreateEnumerable<MusicNetRecording>(_ml.Data.LoadFromMusicNet(SharedData.Fixture("musicnet"), MusicNetSplit.Test), false)).Id);
    }

    [SkippableFact]
    public void SchemaHasTheDocumentedColumns()
    {
        SharedData.SkipIfMissing();
        DataViewSchema schema = _ml.Data.LoadFromMusicNet(SharedData.Fixture("musicnet")).Schema;
        foreach (string column in new[] { "Id", "Path", "Split", "Seconds", "Composer", "Composition", "Ensemble", "StartTime", "EndTime", "Instrument", "Note", "StartBeat", "EndBeat", "NoteValue" })
        {
            Assert.NotNull(schema.GetColumnOrNull(column));
        }
    }

    [Fact]
    public void MissingRootIsAClearError()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => _ml.Data.LoadFromMusicNet("/no/such/musicnet"));
        Assert.Contains("/no/such/musicnet", error.Message);
    }

    [Fact]
    public void RegisterTargetsFollowHandComputedFrames()
    {
        // Note 60 (register 2) from 1 s to 2 s at 44.1 kHz; frames at 22050 Hz, hop 64 are centred at m * 64 / 22050 s:
        // the first centre >= 1 s is m = ceil(344.53) = 345, the last < 2 s is m = 689.
        float[] activity = RegisterTargets.Compute(new long[] { 44100 }, new long[] { 88200 }, new[] { 60 }, 1000, 22050, 64);
        Assert.Equal(4000, activity.Length);
        for (int m = 0; m < 1000; m++)
        {
            Assert.Equal(m is >= 345 and <= 689 ? 1f : 0f, activity[(2 * 1000) + m]);
            Assert.Equal(0f, activity[m]);
        }

        Assert.Equal(new[] { 0, 0, 1, 1, 2, 2, 3, 3 }, new[] { 0, 47, 48, 59, 60, 71, 72, 127 }.Select(RegisterTargets.Register));
    }

    [SkippableFact]
    public void TargetsAlignWithTheAudioWithinOneFrame()
    {
        // 9001's first note starts at sample 162831 (44.1 kHz); the rendered audio becomes audible 141 samples later
        // (ONSET_CHECK.txt). After decoding and resampling to 22050 Hz, the first loud sample's frame must be within one
        // frame of the first active target frame.
        SharedData.SkipIfMissing();
        MusicNetRecording recording = CqtMl.MLNet.DataSources.MusicNet.Read(SharedData.Fixture("musicnet"), MusicNetSplit.Train).First();
        AudioData audio = AudioDecoder.Decode(recording.Path);
        float[] y = Resampler.Resample(audio.Channels[0], audio.SampleRate, 22050);
        float peak = y.Max(Math.Abs);
        int firstLoud = Array.FindIndex(y, v => Math.Abs(v) > 0.01f * peak);
        int frames = 1 + (y.Length / 64);
        float[] activity = RegisterTargets.Compute(recording, frames, 22050, 64);
        int firstActive = Enumerable.Range(0, frames).First(m => Enumerable.Range(0, 4).Any(r => activity[(r * frames) + m] > 0));
        Assert.InRange((firstLoud / 64.0) - firstActive, -1.0, 1.0);
    }
}
