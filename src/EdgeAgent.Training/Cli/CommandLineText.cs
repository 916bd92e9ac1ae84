namespace EdgeAgent.Training.Cli;

/// <summary>Writes a command line back as text, so a model card records the exact command that made it.</summary>
public static class CommandLineText
{
    /// <summary>The command that runs this program from the repository root.</summary>
    public const string Launcher = "dotnet run --project src/EdgeAgent.Training -c Release --";

    public static string Of(IEnumerable<string> args) =>
        string.Join(' ', args.Prepend(Launcher).Select((a, i) => i == 0 ? a : Quote(a)));

    /// <summary>POSIX shell quoting, only where a word needs it.</summary>
    public static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c, StringComparison.Ordinal))
            ? arg
            : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
