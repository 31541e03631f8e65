namespace CqtMl.Cli;

/// <summary>Bad command-line usage (a missing or out-of-range option): the tool exits with code 2.</summary>
internal sealed class UsageException(string message, Exception? inner = null) : Exception(message, inner);
