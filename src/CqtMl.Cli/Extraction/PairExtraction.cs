using System.Globalization;
using System.Text;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.IO;
using CqtMl.Torch.Generator;
using CqtMl.Torch.Reward;

namespace CqtMl.Cli.Extraction;

/// <summary>
/// <c>cqtml extract --pairs labelled.parquet --data &lt;root&gt; --out &lt;dir&gt;</c>: the labelled pairs of a comparison file
/// as .npy files any PyTorch job reads without a Parquet library (<c>tools/pytorch/train_reward_ddp.py</c>): the CQT of
/// every compared clip once (<c>clips/&lt;k&gt;.npy</c>, <c>[2, bins, T]</c>), both samples' controls of every labelled pair
/// (<c>controls/&lt;pair&gt;.npy</c>, <c>[2, 4, T]</c>, A then B) and <c>pairs.tsv</c> (pair, clip, frames, target: 1 when A
/// is preferred, 0 when B is, 0.5 for a tie; the files). The clips and targets are those <c>cqtml train-reward</c> trains
/// on; every file is written atomically and <c>pairs.tsv</c> last, so a rerun after a kill writes the same bytes.
/// </summary>
internal static class PairExtraction
{
    /// <summary>The table of pairs, under the output folder.</summary>
    public const string TableName = "pairs.tsv";

    /// <summary>The folder of the clips' CQTs.</summary>
    public const string ClipsFolder = "clips";

    /// <summary>The folder of the pairs' controls.</summary>
    public const string ControlsFolder = "controls";

    /// <summary>Writes the labelled pairs of <paramref name="pairsPath"/> under <paramref name="outDir"/>.</summary>
    /// <param name="pairsPath">The comparison file (Parquet).</param>
    /// <param name="dataRoot">The audio root the pairs' sources are relative to.</param>
    /// <param name="outDir">The output folder.</param>
    /// <returns>The labelled pairs, distinct clips, rows left out unlabelled, and the CQT parameters.</returns>
    public static (int Pairs, int Clips, int Unlabelled, CqtOptions Cqt) Run(string pairsPath, string dataRoot, string outDir)
    {
        (CqtOptions cqt, List<RewardExample> examples, int unlabelled) = Commands.TrainRewardCommand.ReadLabelledPairs(pairsPath, dataRoot);

        var clipFiles = new Dictionary<string, string>(StringComparer.Ordinal);
        var table = new StringBuilder();
        table.Append(CultureInfo.InvariantCulture, $"# cqtml extract --pairs v1 {ExtractionManifest.Parameters(cqt, null, ExtractionJob.Npy)}\n");
        table.Append("pair\tclip\tframes\ttarget\tcqt_file\tcontrols_file\n");
        for (int i = 0; i < examples.Count; i++)
        {
            RewardExample example = examples[i];
            if (example.Clip.Any(char.IsControl))
            {
                throw new InvalidDataException($"{pairsPath}: pair {i}'s clip '{example.Clip}' has a control character; it cannot be a column of {TableName}");
            }

            if (!clipFiles.TryGetValue(example.Clip, out string? clipFile))
            {
                clipFile = $"{ClipsFolder}/{clipFiles.Count.ToString("D6", CultureInfo.InvariantCulture)}.npy";
                Write(outDir, clipFile, NpyWriter.ToBytes(example.Cqt, 2, cqt.BinCount, example.Frames));
                clipFiles[example.Clip] = clipFile;
            }

            string controlsFile = $"{ControlsFolder}/{i.ToString("D6", CultureInfo.InvariantCulture)}.npy";
            Write(outDir, controlsFile, NpyWriter.ToBytes(example.A.Concat(example.B).ToArray(), 2, GeneratorConfig.Controls, example.Frames));
            table.Append(CultureInfo.InvariantCulture, $"{i}\t{example.Clip}\t{example.Frames}\t{example.Target:R}\t{clipFile}\t{controlsFile}\n");
        }

        Write(outDir, TableName, Encoding.UTF8.GetBytes(table.ToString()));
        return (examples.Count, clipFiles.Count, unlabelled, cqt);
    }

    private static void Write(string outDir, string relative, byte[] bytes) => AtomicFile.WriteAllBytes(Path.Combine(outDir, relative), bytes); // creates the folder
}
