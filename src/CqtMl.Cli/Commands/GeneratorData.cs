using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;
using CqtMl.MLNet;
using CqtMl.Torch.Training;

namespace CqtMl.Cli.Commands;

/// <summary>Turns MusicNet-layout recordings into generator training examples: CQT tensor + 4-register targets.</summary>
internal static class GeneratorData
{
    public static List<TrainingExample> Load(string root, MusicNetSplit split, CqtExtractor extractor)
    {
        var examples = new List<TrainingExample>();
        foreach (MusicNetRecording recording in MLNet.DataSources.MusicNet.Read(root, split))
        {
            examples.Add(FromFile(recording.Path, extractor, recording));
        }

        return examples;
    }

    public static TrainingExample FromFile(string path, CqtExtractor extractor, MusicNetRecording? labels = null)
    {
        (float[] tensor, int frames) = AudioCqtStream.ComputeTensor(path, extractor);
        if (labels is null)
        {
            return new TrainingExample(tensor, new float[4 * frames], frames);
        }

        return GeneratorExamples.FromLabels(tensor, frames, extractor.Options, labels.StartTime, labels.EndTime, labels.Note, MLNet.DataSources.MusicNet.LabelSampleRate);
    }

    /// <summary>F1 of the best constant predictor: each register either always on or always off.</summary>
    public static double BestConstantF1(IReadOnlyList<TrainingExample> examples)
    {
        float[] targets = examples.SelectMany(e => e.Targets).ToArray();
        double best = 0;
        for (int mask = 0; mask < 16; mask++)
        {
            var predicted = new List<float>();
            foreach (TrainingExample e in examples)
            {
                for (int r = 0; r < 4; r++)
                {
                    predicted.AddRange(Enumerable.Repeat((mask >> r & 1) == 1 ? 1f : 0f, e.Frames));
                }
            }

            best = Math.Max(best, RegisterMetrics.F1(predicted.ToArray(), targets));
        }

        return best;
    }
}
