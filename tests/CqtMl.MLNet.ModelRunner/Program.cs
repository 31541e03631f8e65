using Microsoft.ML;
using Microsoft.ML.Data;

namespace CqtMl.MLNet.ModelRunner;

/// <summary>
/// Loads a saved ML.NET model in a fresh process and scores one audio path with it: used by the tests to prove that a
/// saved pipeline containing ExtractCqt loads and runs elsewhere. Usage: model.zip audio-path column output.f32.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    /// <param name="args">model.zip, audio path, output column, output file.</param>
    /// <returns>0 on success.</returns>
    public static int Main(string[] args)
    {
        if (args.Length != 4)
        {
            Console.Error.WriteLine("usage: ModelRunner <model.zip> <audio path> <output column> <output.f32>");
            return 2;
        }

        var ml = new MLContext();
        ml.ComponentCatalog.RegisterAssembly(typeof(AudioDecodingMapping).Assembly);
        ITransformer model = ml.Model.Load(args[0], out _);
        using var disposeModel = (IDisposable)model; // deletes ML.NET's temporary copies of the ONNX models
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new Row { Audio = args[1] } });
        float[] values = model.Transform(data).GetColumn<float[]>(args[2]).Single();
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        File.WriteAllBytes(args[3], bytes);
        return 0;
    }

    /// <summary>The input row.</summary>
    public sealed class Row
    {
        /// <summary>Gets or sets the audio path.</summary>
        public string Audio { get; set; } = string.Empty;
    }
}
