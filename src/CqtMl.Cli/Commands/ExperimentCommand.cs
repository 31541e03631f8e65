using System.CommandLine;
using CqtMl.Cli.Experiments;

namespace CqtMl.Cli.Commands;

/// <summary>
/// <c>cqtml experiment init &lt;name&gt; --task generator|reward --data &lt;root&gt;</c> writes <c>&lt;name&gt;.cqtml.json</c>;
/// <c>cqtml experiment run &lt;name&gt;.cqtml.json</c> trains, evaluates and writes the model and its C# code (Model Builder style).
/// </summary>
internal static class ExperimentCommand
{
    public static Command Create(TextWriter stdout)
    {
        var name = new Argument<string>("name") { Description = "The experiment's name (the file is <name>.cqtml.json; the generated class is its PascalCase form)." };
        var task = new Option<string>("--task") { Description = "generator (MusicNet-layout labels) or reward (pairs drawn from the data, labelled by a judge).", Required = true };
        task.AcceptOnlyFromAmong(ExperimentSpec.GeneratorTask, ExperimentSpec.RewardTask);
        var data = new Option<string>("--data") { Description = "The data root (relative paths are kept relative to the experiment file).", Required = true };
        var folder = new Option<string>("--out") { Description = "The folder to write <name>.cqtml.json into.", DefaultValueFactory = _ => "." };
        var init = new Command("init", "Write a new experiment file with the task's defaults (edit it, then experiment run).\nExample: cqtml experiment init my-generator --task generator --data ../shared/fixtures/musicnet") { name, task, data, folder };
        init.SetAction(parse =>
        {
            string dir = Directory.CreateDirectory(parse.GetValue(folder)!).FullName;
            string path = Path.Combine(dir, parse.GetValue(name) + ExperimentSpec.Suffix);
            string dataRoot = parse.GetValue(data)!;
            var spec = ExperimentSpec.Create(parse.GetValue(name)!, parse.GetValue(task)!, Path.IsPathRooted(dataRoot) ? dataRoot : Path.GetRelativePath(dir, Path.GetFullPath(dataRoot)));
            IReadOnlyList<string> problems = spec.Problems();
            if (problems.Count > 0)
            {
                throw new UsageException(string.Join("; ", problems));
            }

            spec.Save(path);
            stdout.WriteLine($"cqtml experiment init: wrote {path} (task {spec.Task}, preset {spec.Preset}, {spec.Training.Epochs} epochs, seed {spec.Seed}); run it with cqtml experiment run {path}");
            return Program.Success;
        });

        var file = new Argument<string>("experiment") { Description = "The <name>.cqtml.json file." };
        var run = new Command("run", "Train, evaluate and write the model zip, ONNX files, metrics and generated C# code of an experiment.\nExample: cqtml experiment run my-generator.cqtml.json") { file };
        run.SetAction((parse, cancellation) =>
        {
            ExperimentRunner.Run(parse.GetValue(file)!, stdout, cancellation);
            return Task.FromResult(Program.Success);
        });
        return new Command("experiment", "Model-Builder-style experiments: a JSON file with the task, data, CQT, preset, budget and seed; run it to get a model and its C# code.") { init, run };
    }
}
