using System.Collections.Concurrent;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.Decoding;

namespace CqtMl.MLNet;

/// <summary>
/// The CQT of one audio file by the native engine, streamed (decode -> mix -> resample -> CQT in blocks), through the
/// disk cache when one is set, or taken from <see cref="CqtPrefetch"/> when a parallel cursor computed it ahead.
/// </summary>
internal static class NativeCqt
{
    private static readonly ConcurrentDictionary<string, CqtCache> Caches = new();
    private static readonly ConcurrentDictionary<(CqtOptions Options, int? Threads), CqtExtractor> Extractors = new();

    /// <summary>Computes (or fetches) a file's tensor <c>[2, bins, T]</c>.</summary>
    /// <param name="path">The audio file.</param>
    /// <param name="encoded">The encoded <see cref="NativeCqtParameters"/>.</param>
    /// <returns>The tensor.</returns>
    public static CqtTensorBuffer Map(string path, string encoded)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new AudioFormatException("(empty path)", "the audio path column is empty");
        }

        if (CqtPrefetch.TryTake(path, encoded, out Task<CqtTensorBuffer>? ahead))
        {
            return ahead!.GetAwaiter().GetResult();
        }

        return Compute(path, NativeCqtParameters.Decode(encoded), threads: null);
    }

    /// <summary>
    /// Computes a file's tensor, through the cache when the parameters name one (an array of the tensor's length), into
    /// an array rented from <see cref="CqtTensorBuffer.Pool"/> otherwise.
    /// </summary>
    /// <param name="path">The audio file.</param>
    /// <param name="parameters">The parameters.</param>
    /// <param name="threads">The CQT's degree of parallelism (1 when files run in parallel), or null for all cores.</param>
    /// <returns>The tensor.</returns>
    public static CqtTensorBuffer Compute(string path, NativeCqtParameters parameters, int? threads)
    {
        if (!File.Exists(path))
        {
            throw new AudioFormatException(path, "file not found");
        }

        CqtExtractor extractor = Extractors.GetOrAdd((parameters.Cqt, threads), key => new CqtExtractor(key.Options with { MaxDegreeOfParallelism = key.Threads }));
        if (parameters.CacheDirectory is not string folder)
        {
            (float[] buffer, int frames) = AudioCqtStream.RentTensor(path, extractor, parameters.SampleCount, CqtTensorBuffer.Pool);
            return new CqtTensorBuffer(buffer, 2 * parameters.Cqt.BinCount * frames, Rented: true);
        }

        float[] tensor = Caches.GetOrAdd(folder, dir => new CqtCache(dir))
            .GetOrCompute(path, parameters.ResultKey, () => AudioCqtStream.ComputeTensor(path, extractor, parameters.SampleCount).Tensor);
        return new CqtTensorBuffer(tensor, tensor.Length, Rented: false);
    }
}
