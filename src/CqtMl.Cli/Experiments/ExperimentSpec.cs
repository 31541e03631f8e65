using System.Text.Json;
using System.Text.Json.Serialization;
using CqtMl.Audio.Cqt;
using CqtMl.Audio.IO;
using CqtMl.Preferences.Judges;

namespace CqtMl.Cli.Experiments;

/// <summary>
/// An experiment as Model Builder keeps one: <c>&lt;name&gt;.cqtml.json</c> (schema: docs/experiments.md) holds the
/// task, the data, the CQT parameters, the preset, the training budget and the seed; for the reward task also the
/// generator that makes the pairs, the judge that labels them and how many clips. <c>cqtml experiment run</c> reads it.
/// </summary>
internal sealed record ExperimentSpec
{
    /// <summary>The file suffix of an experiment.</summary>
    public const string Suffix = ".cqtml.json";

    /// <summary>The task that trains a generator.</summary>
    public const string GeneratorTask = "generator";

    /// <summary>The task that trains a reward model.</summary>
    public const string RewardTask = "reward";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>Gets the experiment's name (the generated code's class is its PascalCase form).</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Gets <c>generator</c> or <c>reward</c>.</summary>
    public string Task { get; init; } = GeneratorTask;

    /// <summary>Gets the data root: MusicNet layout for the generator; MusicNet, FMA or any audio folder for the reward model. Relative to the experiment file.</summary>
    public string Data { get; init; } = string.Empty;

    /// <summary>Gets the CQT parameters.</summary>
    public ExperimentCqt Cqt { get; init; } = new();

    /// <summary>Gets the architecture preset: demo, tiny or baseline.</summary>
    public string Preset { get; init; } = "demo";

    /// <summary>Gets the training budget.</summary>
    public ExperimentTraining Training { get; init; } = new();

    /// <summary>Gets the seed of initialisation, batches, clips and samples.</summary>
    public int Seed { get; init; }

    /// <summary>Gets, for the reward task, the generator whose samples are compared (a generator.onnx; null for the shipped one).</summary>
    public string? Generator { get; init; }

    /// <summary>Gets, for the reward task, the judge that labels the pairs: onset, register-energy or smoothness.</summary>
    public string? Judge { get; init; }

    /// <summary>Gets, for the reward task, the clips the pairs are drawn from (two pairs each).</summary>
    public int? Clips { get; init; }

    /// <summary>Gets, for the reward task, each clip's length in seconds.</summary>
    public double? ClipSeconds { get; init; }

    /// <summary>A new experiment with the defaults of its task.</summary>
    public static ExperimentSpec Create(string name, string task, string data) => new()
    {
        Name = name,
        Task = task,
        Data = data,
        Training = task == RewardTask ? new ExperimentTraining { Epochs = 4, StepsPerEpoch = null } : new ExperimentTraining(),
        Seed = task == RewardTask ? 1 : 0,
        Judge = task == RewardTask ? RegisterEnergyJudge.JudgeName : null,
        Clips = task == RewardTask ? 128 : null,
        ClipSeconds = task == RewardTask ? 3 : null,
    };

    /// <summary>Reads and validates an experiment file.</summary>
    /// <exception cref="InvalidDataException">Not JSON, an unknown field, or a value out of range; the message names the file and the field.</exception>
    public static ExperimentSpec Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: experiment file not found", path);
        }

        ExperimentSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<ExperimentSpec>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        if (spec is null)
        {
            throw new InvalidDataException($"{path}: empty experiment");
        }

        IReadOnlyList<string> problems = spec.Problems();
        return problems.Count == 0 ? spec : throw new InvalidDataException($"{path}: {string.Join("; ", problems)}");
    }

    /// <summary>Writes the experiment file (atomically).</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>What is wrong with the experiment, one message per field (empty when it is valid).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name) || !Name.Any(char.IsAsciiLetter))
        {
            problems.Add("name: give a name with at least one letter");
        }

        if (Task is not (GeneratorTask or RewardTask))
        {
            problems.Add($"task: '{Task}' is not generator or reward");
        }

        if (string.IsNullOrWhiteSpace(Data))
        {
            problems.Add("data: give the data root");
        }

        if (Preset is not ("demo" or "tiny" or "baseline"))
        {
            problems.Add($"preset: '{Preset}' is not demo, tiny or baseline");
        }

        try
        {
            Cqt.ToOptions().Validate();
        }
        catch (ArgumentException e)
        {
            problems.Add($"cqt: {e.Message.Split(" (Parameter", 2)[0]}");
        }

        if (Training.Epochs < 1 || Training.StepsPerEpoch is < 1 || Training.BatchSize < 1)
        {
            problems.Add("training: epochs, steps_per_epoch and batch_size must be at least 1");
        }

        // The reward task's fields are required for it and checked wherever they are given.
        bool reward = Task == RewardTask;
        if ((reward || Judge is not null) && !PreferenceJudging.BuiltIn.Any(j => j.Name == Judge))
        {
            problems.Add($"judge: '{Judge}' is not one of {string.Join(", ", PreferenceJudging.BuiltIn.Select(j => j.Name))}");
        }

        if ((reward || Clips is not null) && Clips is null or < 2)
        {
            problems.Add("clips: at least 2");
        }

        if ((reward || ClipSeconds is not null) && ClipSeconds is null or < 0.25)
        {
            problems.Add("clip_seconds: at least 0.25");
        }

        return problems;
    }
}
