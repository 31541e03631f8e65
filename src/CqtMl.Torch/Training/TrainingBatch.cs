using CqtMl.Audio.Music;

namespace CqtMl.Torch.Training;

/// <summary>
/// Draws one training batch: random crops of random recordings, each with a random gain, a random pitch shift (when
/// the example has its notes) and, sometimes, mixed with a second crop (see <see cref="GeneratorTrainingOptions"/>).
/// Everything derives from (seed, step), so a resumed run draws the same batches as an uninterrupted one.
/// </summary>
internal static class TrainingBatch
{
    /// <summary>Draws the batch of step <paramref name="step"/>.</summary>
    /// <returns>CQT values <c>[batch, 2, bins, crop]</c> and level targets <c>[batch, 4, crop]</c> (0 or K - 1).</returns>
    public static (float[] Cqt, long[] Levels) Draw(IReadOnlyList<TrainingExample> training, GeneratorTrainingOptions options, int step, int bins, int levels)
    {
        // Not HashCode.Combine: it is salted per process, and a run resumed in a new process must draw the same batches.
        var random = new Random(unchecked((int)(((long)options.Seed * 1_000_003) + (step * 7919L))));
        int crop = options.CropFrames, batch = options.BatchSize;
        var x = new float[batch * 2 * bins * crop];
        var active = new bool[batch * PitchRegister.Count * crop];
        for (int b = 0; b < batch; b++)
        {
            Span<float> cqt = x.AsSpan(b * 2 * bins * crop, 2 * bins * crop);
            Span<bool> registers = active.AsSpan(b * PitchRegister.Count * crop, PitchRegister.Count * crop);
            AddCrop(training, options, random, cqt, registers, bins);
            if (random.NextDouble() < options.MixProbability)
            {
                AddCrop(training, options, random, cqt, registers, bins);
            }
        }

        return (x, active.Select(a => a ? levels - 1L : 0L).ToArray());
    }

    /// <summary>Adds a random crop (gain, pitch shift) to <paramref name="cqt"/> and ORs its register activity into <paramref name="active"/>.</summary>
    private static void AddCrop(IReadOnlyList<TrainingExample> training, GeneratorTrainingOptions options, Random random, Span<float> cqt, Span<bool> active, int bins)
    {
        int crop = options.CropFrames;
        TrainingExample example = training[random.Next(training.Count)];
        int start = example.Frames > crop ? random.Next(example.Frames - crop + 1) : 0;
        int length = Math.Min(crop, example.Frames);
        float gain = (float)Math.Pow(10, options.GainDecibels * ((2 * random.NextDouble()) - 1) / 20);
        int semitones = example.Notes is null ? 0 : random.Next(-options.PitchShiftSemitones, options.PitchShiftSemitones + 1);
        int shift = semitones * options.BinsPerOctave / 12;
        double tilt = options.TiltDecibelsPerOctave * ((2 * random.NextDouble()) - 1);
        for (int channel = 0; channel < 2; channel++)
        {
            // Bin b of the shifted crop is bin b - shift of the source; bins shifted in from outside stay silent.
            for (int bin = Math.Max(0, shift); bin < Math.Min(bins, bins + shift); bin++)
            {
                ReadOnlySpan<float> source = example.Cqt.AsSpan((((channel * bins) + bin - shift) * example.Frames) + start, length);
                Span<float> target = cqt.Slice(((channel * bins) + bin) * crop, length);
                float binGain = gain * (float)Math.Pow(10, tilt * (bin - (bins / 2.0)) / options.BinsPerOctave / 20);
                for (int t = 0; t < length; t++)
                {
                    target[t] += binGain * source[t];
                }
            }
        }

        if (example.Notes is null)
        {
            for (int r = 0; r < PitchRegister.Count; r++)
            {
                for (int t = 0; t < length; t++)
                {
                    active[(r * crop) + t] |= example.Targets[(r * example.Frames) + start + t] > 0.5f;
                }
            }

            return;
        }

        foreach (NoteSpan note in example.Notes)
        {
            int row = PitchRegister.Of(note.MidiNote + semitones) * crop;
            for (int t = Math.Max(note.StartFrame, start); t < Math.Min(note.EndFrame, start + length); t++)
            {
                active[row + t - start] = true;
            }
        }
    }
}
