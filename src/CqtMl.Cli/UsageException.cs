using System.CommandLine;

namespace CqtMl.Cli;

/// <summary>Bad command-line usage (a missing or out-of-range option): the tool exits with code 2.</summary>
internal sealed class UsageException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>
    /// Turns an Options class's validation error into a usage error naming the flag the user typed:
    /// <paramref name="flags"/> maps each Options property to the option that set it.
    /// </summary>
    /// <param name="error">The validation error (its ParamName is the property).</param>
    /// <param name="flags">Property name to option.</param>
    /// <param name="fallback">What to name when the property has no option.</param>
    /// <returns>The usage error.</returns>
    public static UsageException ForOption(ArgumentException error, IReadOnlyDictionary<string, Option> flags, string fallback)
    {
        string option = error.ParamName is string name && flags.TryGetValue(name, out Option? flag) ? flag.Name : fallback;
        string reason = error.Message.Split(" (Parameter", 2)[0].Split('\n')[0];
        return new UsageException($"{option}: {reason}", error);
    }

    /// <summary>Runs an Options class's validation; its error becomes a usage error naming the flag (<see cref="ForOption"/>).</summary>
    /// <param name="validate">The validation, for example <c>options.Validate</c>.</param>
    /// <param name="flags">Property name to option.</param>
    /// <param name="fallback">What to name when the property has no option.</param>
    public static void Validate(Action validate, IReadOnlyDictionary<string, Option> flags, string fallback)
    {
        ArgumentNullException.ThrowIfNull(validate);
        try
        {
            validate();
        }
        catch (ArgumentException e)
        {
            throw ForOption(e, flags, fallback);
        }
    }
}
