using System.CommandLine;

namespace EdgeAgent.Training.Cli;

/// <summary>
/// The options of the training commands, each with the default the docs give. A value with a shape of its own (a month
/// range, a list of lags) stays text with its default as the docs write it, which is what the help shows, and is
/// refused at parse time if it does not parse.
/// </summary>
internal static class TrainingOption
{
    public static Option<string> Required(string name, string description) =>
        new(name) { Description = description, Required = true };

    /// <summary>A required path to a file that must exist, such as the data.</summary>
    public static Option<string> ExistingFile(string name, string description)
    {
        var option = Required(name, description);
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } path && !File.Exists(path))
            {
                result.AddError($"No file at '{path}' ({name}).");
            }
        });
        return option;
    }

    public static Option<string> Text(string name, string fallback, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => fallback };

    /// <summary>Text that <paramref name="parse"/> must accept; its <see cref="FormatException"/> is the error shown.</summary>
    public static Option<string> Parsed<T>(string name, string fallback, Func<string, T> parse, string description)
    {
        var option = Text(name, fallback, description);
        option.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>() ?? fallback;
            try
            {
                parse(text);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
            {
                result.AddError(ex.Message.Contains(name, StringComparison.Ordinal) ? ex.Message : $"{name}: {ex.Message}");
            }
        });
        return option;
    }

    public static Option<int> Whole(string name, int fallback, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => fallback };

    public static Option<double> Real(string name, double fallback, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => fallback };
}
