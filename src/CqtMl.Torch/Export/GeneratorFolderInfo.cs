using CqtMl.Audio.Cqt;
using CqtMl.Torch.Generator;

namespace CqtMl.Torch.Export;

/// <summary>What a generator folder holds (<see cref="GeneratorFolder.Read"/>).</summary>
/// <param name="Config">The architecture.</param>
/// <param name="Cqt">The CQT the generator reads.</param>
/// <param name="Preset">The preset name in the metadata.</param>
/// <param name="OnnxPath">The float32 ONNX file.</param>
/// <param name="WeightsPath">The safetensors file.</param>
public sealed record GeneratorFolderInfo(GeneratorConfig Config, CqtOptions Cqt, string Preset, string OnnxPath, string WeightsPath);
