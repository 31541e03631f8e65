using System.CommandLine.Parsing;
using System.Globalization;

namespace CqtMl.Cli;

/// <summary>
/// Number parsing for options: the invariant culture, no group separators (so <c>--fmin 1,5</c> is an error, not 15),
/// and a range error that names the option instead of an overflow.
/// </summary>
internal static class CliNumbers
{
    public static double ParseDouble(ArgumentResult result) =>
        Parse<double>(result, text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) ? value : (double?)null, "a finite number such as 1.5");

    public static int ParseInt(ArgumentResult result) =>
        Parse(result, text => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) ? value : (int?)null, $"a whole number from {int.MinValue} to {int.MaxValue}");

    public static long ParseLong(ArgumentResult result) =>
        Parse(result, text => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) ? value : (long?)null, "a whole number");

    private static T Parse<T>(ArgumentResult result, Func<string, T?> parse, string expected)
        where T : struct
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(' ', result.Tokens.Select(t => t.Value));
        if (parse(text.Trim()) is T value)
        {
            return value;
        }

        string option = result.Parent is OptionResult o ? o.Option.Name : "argument";
        result.AddError($"{option}: '{text}' is not {expected}.");
        return default;
    }
}
