using CqtMl.Audio.Decoding;
using CqtMl.Audio.Resampling;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace CqtMl.MLNet;

/// <summary>
/// The saved contract <c>CqtMl.DecodeAudio.v1</c>: decodes the audio file named in <see cref="Input.Path"/>, resamples
/// it to <see cref="Input.SampleRate"/> and lays it out as the ONNX CQT expects (mono mix, or planar stereo with mono
/// duplicated). Parameters arrive as constant columns (a <c>CustomMapping</c> factory cannot carry state).
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class AudioDecodingMapping : CustomMappingFactory<AudioDecodingMapping.Input, AudioDecodingMapping.Output>
{
    /// <summary>The contract name stored in saved models; bump the version when the semantics change.</summary>
    public const string ContractName = "CqtMl.DecodeAudio.v1";

    /// <summary>The helper column holding the path.</summary>
    public const string PathColumn = "__cqtml_path";

    /// <summary>The helper column holding the target sample rate.</summary>
    public const string RateColumn = "__cqtml_rate";

    /// <summary>The helper column holding the layout: 1 = mono mix, 2 = planar stereo.</summary>
    public const string LayoutColumn = "__cqtml_layout";

    /// <summary>The helper column receiving the PCM.</summary>
    public const string PcmColumn = "__cqtml_pcm";

    /// <inheritdoc/>
    public override Action<Input, Output> GetMapping() => Map;

    /// <summary>Decodes one row.</summary>
    /// <param name="input">The path and parameters.</param>
    /// <param name="output">Receives the PCM.</param>
    public static void Map(Input input, Output output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (string.IsNullOrEmpty(input.Path))
        {
            throw new AudioFormatException("(empty path)", "the audio path column is empty");
        }

        AudioData audio = AudioDecoder.Decode(input.Path);
        float[] Resample(float[] channel) => audio.SampleRate == input.SampleRate ? channel : Resampler.Resample(channel, audio.SampleRate, input.SampleRate);
        if (input.Layout == 2)
        {
            float[] left = Resample(audio.Channels[0]);
            float[] right = audio.ChannelCount > 1 ? Resample(audio.Channels[1]) : left;
            output.Pcm = new float[left.Length * 2];
            left.CopyTo(output.Pcm, 0);
            right.CopyTo(output.Pcm, left.Length);
        }
        else
        {
            output.Pcm = Resample(audio.MixToMono());
        }
    }

    /// <summary>The mapping's input row.</summary>
    public sealed class Input
    {
        /// <summary>Gets or sets the audio file path.</summary>
        [ColumnName(PathColumn)]
        public string Path { get; set; } = string.Empty;

        /// <summary>Gets or sets the target sample rate.</summary>
        [ColumnName(RateColumn)]
        public int SampleRate { get; set; }

        /// <summary>Gets or sets the layout (1 mono mix, 2 planar stereo).</summary>
        [ColumnName(LayoutColumn)]
        public int Layout { get; set; }
    }

    /// <summary>The mapping's output row.</summary>
    public sealed class Output
    {
        /// <summary>Gets or sets the PCM at the target rate.</summary>
        [ColumnName(PcmColumn)]
        [VectorType]
        public float[] Pcm { get; set; } = Array.Empty<float>();
    }
}
