using CqtMl.Audio.Cqt;
using CqtMl.Audio.IO;
using CqtMl.Audio.Music;
using CqtMl.Torch.Export;
using CqtMl.Torch.Generator;
using TorchSharp;

namespace CqtMl.Cli.Tests.Commands;

/// <summary>
/// What the preference tests need without ../shared: a folder of synthetic music (WAV, in a subfolder, 3 s each) and a
/// small random-weight generator in a folder as train-generator writes it.
/// </summary>
internal sealed class PreferenceData : IDisposable
{
    public PreferenceData()
    {
        Root = Directory.CreateTempSubdirectory("cqtml-pref-").FullName;
        Data = Path.Combine(Root, "data");
        Directory.CreateDirectory(Path.Combine(Data, "pieces"));
        for (int i = 0; i < 3; i++)
        {
            SyntheticPiece piece = SyntheticMusic.Render(40 + i, 22050, 3);
            WavWriter.WriteFloat32(Path.Combine(Data, "pieces", $"piece{i}.wav"), piece.SampleRate, piece.Samples);
        }

        torch.manual_seed(3);
        using var model = new CqtVisionTransformer(GeneratorConfig.Demo with { Depth = 1 });
        model.eval();
        GeneratorDir = Path.Combine(Root, "generator");
        GeneratorFolder.Write(GeneratorDir, model, new CqtOptions(), "demo");
        Generator = Path.Combine(GeneratorDir, GeneratorFolder.OnnxFile);
        torch.manual_seed(4);
        using var reward = new CqtMl.Torch.Reward.RewardModel(CqtMl.Torch.Reward.RewardConfig.Demo with { Encoder = GeneratorConfig.Demo with { Depth = 1 }, ControlDepth = 1, CrossDepth = 1 });
        Reward = Path.Combine(Root, "reward.onnx");
        File.WriteAllBytes(Reward, RewardOnnxExporter.Export(reward, new CqtOptions(), "demo"));
        RewardWeights = Path.Combine(Root, "reward.safetensors");
        CqtMl.Torch.Export.RewardWeights.SaveSafetensors(reward, RewardWeights);
    }

    /// <summary>Gets a small random-weight reward model.</summary>
    public string Reward { get; }

    /// <summary>Gets its weights (safetensors).</summary>
    public string RewardWeights { get; }

    public string Root { get; }

    public string Data { get; }

    /// <summary>Gets the generator's ONNX file.</summary>
    public string Generator { get; }

    /// <summary>Gets the generator's folder (ONNX, int8 ONNX, safetensors), as train-generator writes it.</summary>
    public string GeneratorDir { get; }

    public string PathOf(string name) => System.IO.Path.Combine(Root, name);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
