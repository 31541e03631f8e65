using System.Reflection;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;
using CqtMl.Tests.Shared;

namespace CqtMl.Notebooks.Tests;

/// <summary>
/// Executes every notebook in notebooks/ in-process with a C# kernel and fails on any cell error. The notebooks'
/// <c>#r</c> lines (NuGet packages and the project's build output, for interactive use) are skipped: this test host
/// references the same assemblies itself.
/// </summary>
public class NotebookTests
{
    public static IEnumerable<object[]> Notebooks() =>
        Directory.GetFiles(NotebooksFolder(), "*.ipynb").OrderBy(f => f, StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [SkippableTheory]
    [MemberData(nameof(Notebooks))]
    public async Task NotebookRunsWithoutCellErrors(string name)
    {
        // Notebooks that read the real-format fixtures say so by reading CQTML_SHARED; the others need only the repository.
        string json = await File.ReadAllTextAsync(Path.Combine(NotebooksFolder(), name));
        bool readsShared = json.Contains("CQTML_SHARED", StringComparison.Ordinal);
        Skip.If(readsShared && SharedData.Root is null, SharedData.MissingReason);

        string? failure = await RunAsync(json, SharedData.Root ?? Path.GetTempPath());
        Assert.True(failure is null, $"{name}: {failure}");
    }

    [Fact]
    public async Task ACellErrorIsReported()
    {
        const string Json = """
            {"cells": [
              {"cell_type": "code", "metadata": {}, "outputs": [], "source": ["var x = 40 + 2;"]},
              {"cell_type": "code", "metadata": {}, "outputs": [], "source": ["if (x == 42) throw new InvalidOperationException(\"cell boom\");"]}
            ], "metadata": {"kernelspec": {"name": ".net-csharp", "language": "C#"}}, "nbformat": 4, "nbformat_minor": 5}
            """;
        string? failure = await RunAsync(Json, Path.GetTempPath());
        Assert.NotNull(failure);
        Assert.Contains("code cell 2", failure);
        Assert.Contains("cell boom", failure);
    }

    /// <summary>Runs a notebook's C# cells in order; returns the first failure, or null.</summary>
    private static async Task<string?> RunAsync(string json, string shared)
    {
        var kernels = new KernelInfoCollection { new("csharp", "C#", new[] { "c#", "C#" }) };
        InteractiveDocument document = Notebook.Parse(json, kernels);

        using CSharpKernel kernel = new CSharpKernel().UseKernelHelpers();
        kernel.AddAssemblyReferences(new[]
        {
            typeof(CqtMl.MLNet.DataOperationsCatalogExtensions).Assembly, typeof(CqtMl.Audio.Cqt.CqtExtractor).Assembly,
            typeof(CqtMl.Onnx.Cqt.CqtOnnxModel).Assembly, typeof(CqtMl.Plots.CqtHeatmap).Assembly,
            typeof(CqtMl.Preferences.Judges.JudgedClip).Assembly, typeof(Parquet.ParquetReader).Assembly,
            typeof(Microsoft.ML.MLContext).Assembly, typeof(Microsoft.ML.IDataView).Assembly,
            typeof(Microsoft.ML.Data.VectorDataViewType).Assembly, typeof(Microsoft.ML.Transforms.Onnx.OnnxScoringEstimator).Assembly,
        }.Select(a => a.Location).Distinct());

        string previous = Environment.CurrentDirectory;
        string? previousShared = Environment.GetEnvironmentVariable("CQTML_SHARED");
        Environment.CurrentDirectory = NotebooksFolder();
        Environment.SetEnvironmentVariable("CQTML_SHARED", shared);
        try
        {
            int index = 0;
            foreach (InteractiveDocumentElement cell in document.Elements.Where(e => e.KernelName is "csharp" or null))
            {
                index++;
                string code = string.Join('\n', cell.Contents.Split('\n').Where(line => !line.TrimStart().StartsWith("#r ", StringComparison.Ordinal)));
                if (string.IsNullOrWhiteSpace(code))
                {
                    continue;
                }

                KernelCommandResult result = await kernel.SubmitCodeAsync(code);
                CommandFailed? failure = result.Events.OfType<CommandFailed>().FirstOrDefault();
                if (failure is not null)
                {
                    return $"code cell {index} failed: {failure.Message}\n{code}";
                }
            }

            return null;
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            Environment.SetEnvironmentVariable("CQTML_SHARED", previousShared);
        }
    }

    private static string NotebooksFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CqtMl.MLNet.sln")))
            {
                return Path.Combine(dir.FullName, "notebooks");
            }
        }

        throw new DirectoryNotFoundException("notebooks/ not found above the test's folder.");
    }
}
