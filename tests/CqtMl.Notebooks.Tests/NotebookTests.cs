using System.Reflection;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;
using System.Text.Json;
using System.Text.Json.Nodes;
using CqtMl.Tests.Shared;
using Microsoft.DotNet.Interactive.Formatting;

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

        (string? failure, List<JsonArray> outputs) = await RunAsync(json, SharedData.Root ?? Path.GetTempPath());
        Assert.True(failure is null, $"{name}: {failure}");

        // CQTML_WRITE_NOTEBOOK_OUTPUTS=1 dotnet test tests/CqtMl.Notebooks.Tests stores the outputs in the notebooks, so
        // that they read with their tables and plots on a code host.
        if (Environment.GetEnvironmentVariable("CQTML_WRITE_NOTEBOOK_OUTPUTS") == "1")
        {
            await File.WriteAllTextAsync(Path.Combine(NotebooksFolder(), name), WithOutputs(json, outputs));
        }
    }

    /// <summary>
    /// The README's C# snippets compile and run as written, in order, as a reader would paste them into a program in a
    /// folder next to ../shared (here a temporary folder with a link to the shared data).
    /// </summary>
    [SkippableFact]
    public async Task TheReadmesCSharpSnippetsRunAsWritten()
    {
        Skip.If(SharedData.Root is null, SharedData.MissingReason);
        string readme = await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(NotebooksFolder())!, "README.md"));
        var snippets = readme.Split("```csharp\n").Skip(1).Select(block => block[..block.IndexOf("```", StringComparison.Ordinal)]).ToList();
        Assert.NotEmpty(snippets);
        var cells = new JsonArray(snippets.Select(code => (JsonNode)new JsonObject { ["cell_type"] = "code", ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(), ["source"] = code }).ToArray());
        var notebook = new JsonObject { ["cells"] = cells, ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = ".net-csharp", ["language"] = "C#" } }, ["nbformat"] = 4, ["nbformat_minor"] = 5 };
        string temp = Directory.CreateTempSubdirectory("cqtml-readme-").FullName;
        try
        {
            string work = Directory.CreateDirectory(Path.Combine(temp, "app")).FullName;
            Directory.CreateSymbolicLink(Path.Combine(temp, "shared"), SharedData.Root!);
            (string? failure, _) = await RunAsync(notebook.ToJsonString(), SharedData.Root!, work);
            Assert.True(failure is null, $"README.md: {failure}");
            Assert.True(File.Exists(Path.Combine(work, "model.zip")));
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
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
        (string? failure, _) = await RunAsync(Json, Path.GetTempPath());
        Assert.NotNull(failure);
        Assert.Contains("code cell 2", failure);
        Assert.Contains("cell boom", failure);
    }

    /// <summary>Runs a notebook's C# cells in order; returns the first failure (or null) and each code cell's outputs (Jupyter format).</summary>
    private static async Task<(string? Failure, List<JsonArray> Outputs)> RunAsync(string json, string shared, string? workingDirectory = null)
    {
        var outputs = new List<JsonArray>();
        var kernels = new KernelInfoCollection { new("csharp", "C#", new[] { "c#", "C#" }) };
        InteractiveDocument document = Notebook.Parse(json, kernels);

        using CSharpKernel kernel = new CSharpKernel().UseKernelHelpers();
        kernel.AddAssemblyReferences(new[]
        {
            typeof(CqtMl.MLNet.DataOperationsCatalogExtensions).Assembly, typeof(CqtMl.Audio.Cqt.CqtExtractor).Assembly,
            typeof(CqtMl.Onnx.Cqt.CqtOnnxModel).Assembly, typeof(CqtMl.Plots.CqtHeatmap).Assembly,
            typeof(CqtMl.Preferences.Judges.JudgedClip).Assembly, typeof(Parquet.ParquetReader).Assembly,
            typeof(Microsoft.ML.MLContext).Assembly, typeof(Microsoft.ML.IDataView).Assembly, typeof(Microsoft.ML.ITransformer).Assembly,
            typeof(Microsoft.ML.Data.VectorDataViewType).Assembly, typeof(Microsoft.ML.Transforms.Onnx.OnnxScoringEstimator).Assembly,
        }.Select(a => a.Location).Distinct());

        string previous = Environment.CurrentDirectory;
        string? previousShared = Environment.GetEnvironmentVariable("CQTML_SHARED");
        Environment.CurrentDirectory = workingDirectory ?? NotebooksFolder();
        Environment.SetEnvironmentVariable("CQTML_SHARED", shared);
        try
        {
            int index = 0;
            foreach (InteractiveDocumentElement cell in document.Elements.Where(e => e.KernelName is "csharp" or null))
            {
                index++;
                var cellOutputs = new JsonArray();
                outputs.Add(cellOutputs);
                string code = string.Join('\n', cell.Contents.Split('\n').Where(line => !line.TrimStart().StartsWith("#r ", StringComparison.Ordinal)));
                if (string.IsNullOrWhiteSpace(code))
                {
                    continue;
                }

                KernelCommandResult result = await kernel.SubmitCodeAsync(code);
                CommandFailed? failure = result.Events.OfType<CommandFailed>().FirstOrDefault();
                if (failure is not null)
                {
                    return ($"code cell {index} failed: {failure.Message}\n{code}", outputs);
                }

                foreach (KernelEvent e in result.Events)
                {
                    if (e is StandardOutputValueProduced text)
                    {
                        cellOutputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = string.Concat(text.FormattedValues.Select(v => v.Value)) });
                    }
                    else if (e is DisplayEvent display)
                    {
                        var data = new JsonObject();
                        foreach (FormattedValue value in display.FormattedValues)
                        {
                            data[value.MimeType] = value.Value;
                        }

                        cellOutputs.Add(e is ReturnValueProduced
                            ? new JsonObject { ["output_type"] = "execute_result", ["execution_count"] = index, ["data"] = data, ["metadata"] = new JsonObject() }
                            : new JsonObject { ["output_type"] = "display_data", ["data"] = data, ["metadata"] = new JsonObject() });
                    }
                }
            }

            return (null, outputs);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            Environment.SetEnvironmentVariable("CQTML_SHARED", previousShared);
        }
    }

    /// <summary>The notebook's JSON with each code cell's outputs and execution count set.</summary>
    private static string WithOutputs(string json, List<JsonArray> outputs)
    {
        JsonNode notebook = JsonNode.Parse(json)!;
        int index = 0;
        foreach (JsonNode? cell in notebook["cells"]!.AsArray())
        {
            if ((string?)cell!["cell_type"] != "code" || index >= outputs.Count)
            {
                continue;
            }

            cell["execution_count"] = index + 1;
            cell["outputs"] = outputs[index++].DeepClone();
        }

        return notebook.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
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
