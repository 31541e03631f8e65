using CqtMl.Audio.Decoding;
using CqtMl.Audio.Music;
using CqtMl.MLNet.DataSources;
using Microsoft.ML;

namespace CqtMl.MLNet.Tests.DataSources;

public class SyntheticMusicNetTests
{
    [Fact]
    public void WritesPiecesAndExactLabelsThatTheMusicNetReaderReadsBack()
    {
        string root = Directory.CreateTempSubdirectory("cqtml-synth-musicnet-").FullName;
        try
        {
            IReadOnlyList<string> written = SyntheticMusicNet.Write(root, trainPieces: 2, testPieces: 1, seconds: 2);
            var ml = new MLContext(seed: 1);
            var rows = ml.Data.CreateEnumerable<MusicNetRecording>(ml.Data.LoadFromMusicNet(root), reuseRowObject: false).ToList();

            Assert.Equal(new[] { "1001", "1002", "1003" }, rows.Select(r => r.Id));
            Assert.Equal(new[] { "train", "train", "test" }, rows.Select(r => r.Split));
            Assert.Equal(written.Select(Path.GetFullPath), rows.Select(r => r.Path));
            foreach (MusicNetRecording row in rows)
            {
                SyntheticPiece piece = SyntheticMusic.Render(int.Parse(row.Id, System.Globalization.CultureInfo.InvariantCulture), MusicNet.LabelSampleRate, 2);
                var expected = piece.Notes.OrderBy(n => n.Start).ThenBy(n => n.MidiNote).ToList();
                Assert.NotEmpty(expected);
                Assert.Equal(expected.Select(n => n.Start), row.StartTime);
                Assert.Equal(expected.Select(n => n.End), row.EndTime);
                Assert.Equal(expected.Select(n => n.MidiNote), row.Note);
                Assert.Equal(2f, row.Seconds);

                AudioData audio = AudioDecoder.Decode(row.Path);
                Assert.Equal(MusicNet.LabelSampleRate, audio.SampleRate);
                Assert.Equal(piece.Samples, audio.Channels[0]);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
