using CqtMl.Audio.Dsp;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CqtMl.Audio.Resampling;

/// <summary>
/// Band-limited rational resampling with zero delay: each output sample is the input convolved with a Kaiser-windowed
/// sinc centred exactly on the output instant, so an onset keeps its time. The filter is flat (within 0.001 dB) up to
/// 90 % of the lower Nyquist frequency and attenuates everything above the lower Nyquist frequency by at least 110 dB,
/// so aliasing stays below -100 dB. Immutable and thread-safe; use <see cref="CreateStream"/> for streaming.
/// </summary>
public sealed class Resampler
{
    /// <summary>Stopband attenuation of the design in dB.</summary>
    public const double AttenuationDb = 110;

    /// <summary>Passband edge as a fraction of the lower Nyquist frequency.</summary>
    public const double PassbandEdge = 0.9;

    /// <summary>The most filter coefficients a rate pair may need (64 MB of float32).</summary>
    public const int MaxFilterTaps = 1 << 24;

    private const int Lanes = 8;

    private readonly float[] _taps;
    private readonly int _tapsPerPhase;

    /// <summary>Initializes a resampler from <paramref name="sourceRate"/> to <paramref name="targetRate"/> Hz.</summary>
    /// <param name="sourceRate">The input sample rate in Hz.</param>
    /// <param name="targetRate">The output sample rate in Hz.</param>
    public Resampler(int sourceRate, int targetRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetRate);
        SourceRate = sourceRate;
        TargetRate = targetRate;
        int g = Gcd(sourceRate, targetRate);
        Up = targetRate / g;
        Down = sourceRate / g;
        if (Up > 1 << 16)
        {
            throw new ArgumentOutOfRangeException(nameof(targetRate), targetRate, $"The ratio {targetRate}/{sourceRate} needs {Up} filter phases; choose rates with a larger common divisor.");
        }

        // Transition band from 0.9 to 1.0 of the lower Nyquist frequency, in cycles per input sample.
        double lowerNyquist = Math.Min(sourceRate, targetRate) / 2.0;
        double cutoff = 0.5 * (1 + PassbandEdge) * lowerNyquist / sourceRate;
        double transition = (1 - PassbandEdge) * lowerNyquist / sourceRate;
        double beta = Kaiser.Beta(AttenuationDb);
        int length = (int)Math.Ceiling(Kaiser.Order(AttenuationDb, transition)) + 1;
        HalfWidth = (length + 1) / 2;
        _tapsPerPhase = (2 * HalfWidth + Lanes - 1) / Lanes * Lanes;
        if ((long)Up * _tapsPerPhase > MaxFilterTaps)
        {
            throw new ArgumentOutOfRangeException(nameof(sourceRate), sourceRate, $"Resampling {sourceRate} Hz to {targetRate} Hz needs {(long)Up * _tapsPerPhase} filter taps ({Up} phases of {_tapsPerPhase}), more than {MaxFilterTaps}; choose rates with a larger common divisor.");
        }

        _taps = new float[Up * _tapsPerPhase];
        for (int p = 0; p < Up; p++)
        {
            // Phase p: output instant at fraction p / Up of an input sample past input index i0; tap k reads i0 - K + 1 + k.
            double fraction = (double)p / Up;
            double sum = 0;
            var phase = new double[2 * HalfWidth];
            for (int k = 0; k < 2 * HalfWidth; k++)
            {
                double tau = fraction + HalfWidth - 1 - k;
                double x = tau / HalfWidth;
                if (Math.Abs(x) >= 1)
                {
                    continue;
                }

                double arg = 2 * cutoff * tau;
                double sinc = arg == 0 ? 1 : Math.Sin(Math.PI * arg) / (Math.PI * arg);
                phase[k] = 2 * cutoff * sinc * Kaiser.Window(x, beta);
                sum += phase[k];
            }

            for (int k = 0; k < phase.Length; k++)
            {
                // Unit gain at DC for every phase keeps the passband flat whatever the fraction.
                _taps[p * _tapsPerPhase + k] = (float)(phase[k] / sum);
            }
        }
    }

    /// <summary>Gets the input sample rate.</summary>
    public int SourceRate { get; }

    /// <summary>Gets the output sample rate.</summary>
    public int TargetRate { get; }

    /// <summary>Gets the upsampling factor of the reduced ratio TargetRate / SourceRate.</summary>
    public int Up { get; }

    /// <summary>Gets the downsampling factor of the reduced ratio.</summary>
    public int Down { get; }

    /// <summary>Gets the filter's half-length in input samples (its reach before and after each output instant).</summary>
    public int HalfWidth { get; }

    /// <summary>Gets the number of output samples for <paramref name="inputLength"/> input samples: <c>ceil(n * up / down)</c>.</summary>
    /// <param name="inputLength">Input samples.</param>
    /// <returns>Output samples.</returns>
    public long OutputLength(long inputLength) => (long)(((System.Numerics.BigInteger)inputLength * Up + Down - 1) / Down);

    /// <summary>Resamples a whole signal.</summary>
    /// <param name="input">The input samples.</param>
    /// <param name="sourceRate">The input rate.</param>
    /// <param name="targetRate">The output rate.</param>
    /// <returns>The resampled signal (a copy when the rates are equal).</returns>
    public static float[] Resample(ReadOnlySpan<float> input, int sourceRate, int targetRate)
    {
        if (sourceRate == targetRate)
        {
            return input.ToArray();
        }

        var resampler = new Resampler(sourceRate, targetRate);
        var output = new float[resampler.OutputLength(input.Length)];
        resampler.Compute(input, 0, 0, output);
        return output;
    }

    /// <summary>Creates a streaming resampler that shares this filter.</summary>
    /// <returns>A new stream (not thread-safe itself).</returns>
    public ResamplerStream CreateStream() => new(this);

    /// <summary>
    /// Computes outputs <c>[firstOutput, firstOutput + output.Length)</c> from <paramref name="window"/>, which holds the
    /// input from index <paramref name="windowStart"/> on (zero outside it).
    /// </summary>
    internal void Compute(ReadOnlySpan<float> window, long windowStart, long firstOutput, Span<float> output)
    {
        int width = _tapsPerPhase;
        float[] scratch = new float[width];
        ref float taps = ref MemoryMarshal.GetArrayDataReference(_taps);
        for (int j = 0; j < output.Length; j++)
        {
            long numerator = (firstOutput + j) * Down;
            long i0 = numerator / Up;
            int phase = (int)(numerator % Up);
            long from = i0 - HalfWidth + 1 - windowStart;
            ReadOnlySpan<float> x;
            if (from >= 0 && from + width <= window.Length)
            {
                x = window.Slice((int)from, width);
            }
            else
            {
                // Near the ends: copy what exists, zeros elsewhere.
                Array.Clear(scratch);
                long lo = Math.Max(0, from), hi = Math.Min(window.Length, from + width);
                if (hi > lo)
                {
                    window[(int)lo..(int)hi].CopyTo(scratch.AsSpan((int)(lo - from)));
                }

                x = scratch;
            }

            ref float px = ref MemoryMarshal.GetReference(x);
            ref float pt = ref System.Runtime.CompilerServices.Unsafe.Add(ref taps, phase * width);
            var acc = Vector256<float>.Zero;
            for (int k = 0; k < width; k += Lanes)
            {
                acc += Vector256.LoadUnsafe(ref px, (nuint)k) * Vector256.LoadUnsafe(ref pt, (nuint)k);
            }

            output[j] = Vector256.Sum(acc);
        }
    }

    /// <summary>Gets the first input sample output <paramref name="output"/> reads.</summary>
    internal long FirstInputFor(long output) => (output * Down / Up) - HalfWidth + 1;

    /// <summary>Gets the input sample after the last one output <paramref name="output"/> reads.</summary>
    internal long EndInputFor(long output) => (output * Down / Up) - HalfWidth + 1 + _tapsPerPhase;

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
