using CqtMl.Audio.Cqt;
using CqtMl.Onnx.Cqt;
using CqtMl.Onnx.Runtime;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CqtMl.MLNet;

/// <summary>
/// Computes the Constant-Q Transform of an audio column: a <see cref="string"/> path (decoded and resampled like the
/// CLI) or a <see cref="VectorDataViewType"/> of mono PCM at <see cref="Options.SampleRate"/>. The output is a
/// <c>Vector&lt;Single&gt;</c> laid out <c>[2, BinCount, T]</c> row-major (see <see cref="CqtChannels"/>). For paths on the
/// CPU the native engine streams each file (decode, mix, resample, CQT in blocks) and the transformed data view computes
/// several files in parallel; on a GPU (<see cref="Options.GpuDeviceId"/>) and for PCM input the transform runs as an
/// ONNX graph in ONNX Runtime. The fitted pipeline saves with its parameters.
/// </summary>
public sealed class CqtEstimator : IEstimator<CqtTransformer>
{
    private readonly TransformsCatalog _transforms;

    internal CqtEstimator(TransformsCatalog transforms, Options options)
    {
        _transforms = transforms;
        Opts = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.OutputColumnName, nameof(options.OutputColumnName));
        ToCqtOptions(options).Validate();
        if (options.FilesInParallel is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.FilesInParallel, "FilesInParallel must be positive or null.");
        }

        if (options.MaxDurationSeconds is <= 0 or double.NaN)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxDurationSeconds, "MaxDurationSeconds must be positive or null.");
        }
    }

    /// <summary>Gets the options.</summary>
    public Options Opts { get; }

    private string InputColumn => Opts.InputColumnName ?? Opts.OutputColumnName;

    /// <inheritdoc/>
    public CqtTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        DataViewType type = CheckInput(input.Schema);
        return OnnxModelFiles.OwnedBy(files =>
        {
            var (pipeline, onnx, native) = BuildPipeline(type is TextDataViewType, files);
            return new CqtTransformer(pipeline.Fit(input), Opts, onnx, native, files);
        });
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaShape.Column column = inputSchema.FirstOrDefault(c => c.Name == InputColumn);
        if (column.Name is null)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Input column '{InputColumn}' not found.");
        }

        bool isPath = column.Kind == SchemaShape.Column.VectorKind.Scalar && column.ItemType is TextDataViewType;
        bool isPcm = column.Kind != SchemaShape.Column.VectorKind.Scalar && column.ItemType == NumberDataViewType.Single;
        if (!isPath && !isPcm)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Input column '{InputColumn}' must be a string (audio path) or a vector of Single (mono PCM), not {column.ItemType}.");
        }

        using var files = new OnnxModelFiles();
        return BuildPipeline(isPath, files).Pipeline.GetOutputSchema(inputSchema);
    }

    private (IEstimator<ITransformer> Pipeline, byte[] Onnx, string? NativeParameters) BuildPipeline(bool isPath, OnnxModelFiles files)
    {
        CqtOptions cqt = ToCqtOptions(Opts);
        CqtOnnxInput layout = isPath && Opts.Channels == CqtChannels.Stereo ? CqtOnnxInput.PlanarStereo : CqtOnnxInput.Mono;
        string pcmColumn = isPath ? AudioDecodingMapping.PcmColumn : InputColumn;
        byte[] onnx = CqtOnnxModel.Build(cqt, layout, Opts.MaxDurationSeconds, pcmColumn, Opts.OutputColumnName);

        IEstimator<ITransformer> pipeline = new EstimatorChain<ITransformer>();
        var helpers = new List<string>();
        if (isPath && (Opts.CacheDirectory is not null || Opts.GpuDeviceId is null))
        {
            // On the CPU, and whenever cached: the native engine, streamed, in one versioned custom mapping.
            string encoded = NativeCqtParameters.Of(Opts, cached: Opts.CacheDirectory is not null).Encode();
            pipeline = pipeline
                .Append(_transforms.CopyColumns(AudioDecodingMapping.PathColumn, InputColumn))
                .Append(_transforms.Expression(NativeCqtMapping.ParametersColumn, $"p => \"{encoded}\"", AudioDecodingMapping.PathColumn))
                .Append(_transforms.CustomMapping<NativeCqtMapping.Input, NativeCqtMapping.Output>(NativeCqtMapping.Map, NativeCqtMapping.ContractName));

            // A variable-size vector is the ONNX CQT's type too; a fixed duration is typed [2, bins, T] by a reshape-only
            // ONNX graph, as the ONNX CQT types it (a saved model keeps the dimensions; it costs a copy of each tensor).
            pipeline = Opts.MaxDurationSeconds is null
                ? pipeline.Append(_transforms.CopyColumns(Opts.OutputColumnName, NativeCqtMapping.OutputColumn))
                : pipeline.Append(_transforms.ApplyOnnxModel(new[] { Opts.OutputColumnName }, new[] { NativeCqtMapping.OutputColumn }, files.Add(CqtOnnxModel.BuildShape(cqt, Opts.MaxDurationSeconds, NativeCqtMapping.OutputColumn, Opts.OutputColumnName)), null, false));
            pipeline = pipeline.Append(_transforms.DropColumns(AudioDecodingMapping.PathColumn, NativeCqtMapping.ParametersColumn, NativeCqtMapping.OutputColumn));
            return (pipeline, onnx, encoded);
        }

        if (isPath)
        {
            pipeline = pipeline
                .Append(_transforms.CopyColumns(AudioDecodingMapping.PathColumn, InputColumn))
                .Append(_transforms.Expression(AudioDecodingMapping.RateColumn, $"p => {cqt.SampleRate}", AudioDecodingMapping.PathColumn))
                .Append(_transforms.Expression(AudioDecodingMapping.LayoutColumn, layout == CqtOnnxInput.PlanarStereo ? "p => 2" : "p => 1", AudioDecodingMapping.PathColumn))
                .Append(_transforms.CustomMapping<AudioDecodingMapping.Input, AudioDecodingMapping.Output>(AudioDecodingMapping.Map, AudioDecodingMapping.ContractName));
            helpers.AddRange(new[] { AudioDecodingMapping.PathColumn, AudioDecodingMapping.RateColumn, AudioDecodingMapping.LayoutColumn, AudioDecodingMapping.PcmColumn });
        }

        // Decide the device here so a fallback is explicit and logged, and a refusal says why.
        int? device = OnnxExecution.ResolveDevice(Opts.GpuDeviceId, Opts.FallbackToCpu);
        pipeline = pipeline.Append(_transforms.ApplyOnnxModel(new[] { Opts.OutputColumnName }, new[] { pcmColumn }, files.Add(onnx), device, Opts.FallbackToCpu));
        helpers.Remove(Opts.OutputColumnName);
        if (helpers.Count > 0)
        {
            pipeline = pipeline.Append(_transforms.DropColumns(helpers.ToArray()));
        }

        return (pipeline, onnx, null);
    }

    internal static CqtOptions ToCqtOptions(Options options) => new()
    {
        SampleRate = options.SampleRate,
        HopLength = options.HopLength,
        BinCount = options.BinCount,
        BinsPerOctave = options.BinsPerOctave,
        FMin = options.FMin,
        Channels = options.Channels,
    };

    private DataViewType CheckInput(DataViewSchema schema)
    {
        DataViewSchema.Column? column = schema.GetColumnOrNull(InputColumn);
        if (column is null)
        {
            throw new ArgumentOutOfRangeException(nameof(schema), $"Input column '{InputColumn}' not found in the data.");
        }

        DataViewType type = column.Value.Type;
        bool ok = type is TextDataViewType || (type is VectorDataViewType vector && vector.ItemType == NumberDataViewType.Single);
        return ok ? type : throw new ArgumentOutOfRangeException(nameof(schema), $"Input column '{InputColumn}' must be a string (audio path) or a vector of Single (mono PCM at the CQT's sample rate), not {type}.");
    }

    /// <summary>Parameters of <see cref="CqtEstimator"/>.</summary>
    public sealed class Options
    {
        /// <summary>The output column: <c>Vector&lt;Single&gt;</c> <c>[2, BinCount, T]</c>. Default "Cqt".</summary>
        public string OutputColumnName = "Cqt";

        /// <summary>The input column (path string or mono PCM vector); null means the output column's name. Default null.</summary>
        public string? InputColumnName;

        /// <summary>The CQT's sample rate in Hz; paths are resampled to it, PCM must already be at it. Default 22050.</summary>
        public int SampleRate = 22050;

        /// <summary>The hop between frames in samples. Default 64.</summary>
        public int HopLength = 64;

        /// <summary>The number of bins. Default 84.</summary>
        public int BinCount = 84;

        /// <summary>Bins per octave. Default 12.</summary>
        public int BinsPerOctave = 12;

        /// <summary>The lowest bin's frequency in Hz. Default 32.7032 (C1).</summary>
        public double FMin = CqtOptions.C1;

        /// <summary>How the two channels are formed. Default <see cref="CqtChannels.Stereo"/>.</summary>
        public CqtChannels Channels = CqtChannels.Stereo;

        /// <summary>When set, every row is cropped or zero-padded to exactly this many seconds (fixed-size output). Default null.</summary>
        public double? MaxDurationSeconds;

        /// <summary>The CUDA device to run on, or null for the CPU. Default null.</summary>
        public int? GpuDeviceId;

        /// <summary>Whether to fall back to the CPU (logged) when CUDA cannot be used; otherwise fail. Default false.</summary>
        public bool FallbackToCpu;

        /// <summary>
        /// When set (and the input is a path), CQTs are cached in this folder, keyed by the file's content and every
        /// parameter; a second pass reads them back. Default null (no cache).
        /// </summary>
        public string? CacheDirectory;

        /// <summary>
        /// For paths on the CPU: how many files a cursor of the transformed data computes at once, ahead of the row it
        /// is at, holding at most twice as many results (results and order unchanged); 1 computes row by row. Default
        /// null: one per processor.
        /// </summary>
        public int? FilesInParallel;
    }
}
