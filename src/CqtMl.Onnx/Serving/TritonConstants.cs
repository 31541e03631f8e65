namespace CqtMl.Onnx.Serving;

/// <summary>The names of NVIDIA Triton Inference Server's model repository and configuration this project writes.</summary>
public static class TritonConstants
{
    /// <summary>The platform of ONNX models run by Triton's ONNX Runtime backend.</summary>
    public const string Platform = "onnxruntime_onnx";

    /// <summary>The model file's name inside a version folder.</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>The configuration file's name in a model's folder.</summary>
    public const string ConfigFileName = "config.pbtxt";

    /// <summary>The version folder written (Triton serves the highest by default).</summary>
    public const string Version = "1";

    /// <summary>Gets whether a character may appear in a model's name (it names a folder and Triton's model).</summary>
    /// <param name="c">The character.</param>
    /// <returns>Whether it is a letter, a digit, '_' or '-'.</returns>
    public static bool IsModelNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';

    /// <summary>Gets Triton's data type for an ONNX element type.</summary>
    /// <param name="onnxElementType">The ONNX element type.</param>
    /// <returns>The Triton type name.</returns>
    /// <exception cref="NotSupportedException">A type Triton's ONNX Runtime backend does not take.</exception>
    public static string DataType(int onnxElementType) => onnxElementType switch
    {
        1 => "TYPE_FP32",
        2 => "TYPE_UINT8",
        3 => "TYPE_INT8",
        4 => "TYPE_UINT16",
        5 => "TYPE_INT16",
        6 => "TYPE_INT32",
        7 => "TYPE_INT64",
        8 => "TYPE_STRING",
        9 => "TYPE_BOOL",
        10 => "TYPE_FP16",
        11 => "TYPE_FP64",
        12 => "TYPE_UINT32",
        13 => "TYPE_UINT64",
        16 => "TYPE_BF16",
        _ => throw new NotSupportedException($"ONNX element type {onnxElementType} has no Triton data type."),
    };
}
