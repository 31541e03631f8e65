using CqtMl.Audio.IO;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CqtMl.Onnx.Runner;

/// <summary>
/// Runs one ONNX model on one float32 input in a process of its own, so that the tests can run ONNX Runtime on another
/// (emulated) CPU: usage <c>model.onnx input-name input.npy output-name output.npy</c>. Prints nothing on success.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    /// <param name="args">model.onnx, input name, input .npy, output name, output .npy.</param>
    /// <returns>0 on success, 2 on bad usage.</returns>
    public static int Main(string[] args)
    {
        if (args.Length != 5)
        {
            Console.Error.WriteLine("usage: CqtMl.Onnx.Runner <model.onnx> <input name> <input.npy> <output name> <output.npy>");
            return 2;
        }

        (long[] shape, float[] values) = NpyReader.ReadAll(args[2]);
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(args[0], options);
        var input = new DenseTensor<float>(values, shape.Select(d => (int)d).ToArray());
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(args[1], input) }, new[] { args[3] });
        Tensor<float> output = results.First().AsTensor<float>();
        NpyWriter.WriteAll(args[4], output.ToArray(), output.Dimensions.ToArray().Select(d => (long)d).ToArray());
        return 0;
    }
}
