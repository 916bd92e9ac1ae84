using System.Globalization;

namespace EdgeAgent.Training.Cli;

/// <summary>
/// The <c>--name value</c> options of one command. Every option must be read by the command: an option
/// left unread is a typo, and a typo in a training command silently trains a different model.
/// </summary>
public sealed class CommandArguments
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private CommandArguments(Dictionary<string, string> values)
    {
        _values = values;
    }

    /// <summary>Parses <c>--name value</c> and <c>--name=value</c> pairs.</summary>
    public static CommandArguments Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"Expected an option such as --data, found '{arg}'.");
            }

            string name;
            string value;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                name = arg[2..equals];
                value = arg[(equals + 1)..];
            }
            else
            {
                name = arg[2..];
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException($"Option --{name} needs a value.");
                }

                value = args[++i];
            }

            if (!values.TryAdd(name, value))
            {
                throw new UsageException($"Option --{name} is given twice.");
            }
        }

        return new CommandArguments(values);
    }

    public string Required(string name) =>
        Find(name) ?? throw new UsageException($"Option --{name} is required.");

    public string Text(string name, string fallback) => Find(name) ?? fallback;

    public int Whole(string name, int fallback) =>
        Convert(name, fallback, s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture));

    public double Real(string name, double fallback) =>
        Convert(name, fallback, s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture));

    public DateOnly Date(string name, DateOnly fallback) =>
        Convert(name, fallback, s => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture));

    public T Parsed<T>(string name, T fallback, Func<string, T> parse) => Convert(name, fallback, parse);

    /// <summary>Throws for every option the command did not read.</summary>
    public void EnsureAllRead()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"Unknown option(s): {string.Join(", ", unknown.Select(k => "--" + k))}.");
        }
    }

    private string? Find(string name)
    {
        _read.Add(name);
        return _values.GetValueOrDefault(name);
    }

    private T Convert<T>(string name, T fallback, Func<string, T> parse)
    {
        if (Find(name) is not { } text)
        {
            return fallback;
        }

        try
        {
            return parse(text);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
        {
            throw new UsageException($"Option --{name}: '{text}' is not valid ({ex.Message})", ex);
        }
    }
}
