using System.Globalization;
using EdgeAgent.Core.Payments;

namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// The identities file: which store and terminal each authenticated name may be. One identity a line, fields
/// separated by blanks, <c>#</c> starts a comment:
/// <code>
/// terminal store-1/t1                 # the name is {store}/{terminal}
/// terminal pinpad-0042 store-1 t2     # any other name says its store and terminal
/// operator ops
/// agent    edgeagent
/// </code>
/// A name is matched against a client certificate's common name and against a password file's user name. Names are
/// 1–129 of <c>[A-Za-z0-9_./-]</c>: no <c>:</c> (a client id is the name or <c>{name}:{suffix}</c>), no wildcards.
/// </summary>
public sealed class IdentityMap
{
    /// <summary>Longest name: a store id, a slash and a terminal id.</summary>
    public const int MaxNameLength = (2 * Identifiers.MaxLength) + 1;

    private readonly Dictionary<string, TerminalIdentity> _identities;

    private IdentityMap(Dictionary<string, TerminalIdentity> identities) => _identities = identities;

    public static IdentityMap Empty { get; } = new(new Dictionary<string, TerminalIdentity>(StringComparer.Ordinal));

    /// <summary>Every identity, in no particular order.</summary>
    public IEnumerable<TerminalIdentity> Identities => _identities.Values;

    public int Count => _identities.Count;

    public static IdentityMap Load(string path) => Parse(File.ReadAllLines(path), path);

    public bool TryGet(string name, out TerminalIdentity identity) => _identities.TryGetValue(name, out identity!);

    /// <summary>True when <paramref name="clientId"/> is a named identity's own: the name itself or <c>{name}:{suffix}</c>.</summary>
    public bool OwnsClientId(string clientId)
    {
        var colon = clientId.IndexOf(':', StringComparison.Ordinal);
        return _identities.ContainsKey(colon < 0 ? clientId : clientId[..colon]);
    }

    /// <summary>True for a name the file may hold.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= MaxNameLength && name[0] != '/' && name[^1] != '/' && !name.Contains("//", StringComparison.Ordinal)
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/');

    /// <summary>Reads the lines of an identities file; <paramref name="source"/> names it in errors.</summary>
    public static IdentityMap Parse(IEnumerable<string> lines, string source)
    {
        var identities = new Dictionary<string, TerminalIdentity>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var hash = raw.IndexOf('#', StringComparison.Ordinal);
            var fields = (hash < 0 ? raw : raw[..hash]).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            var identity = ParseLine(fields, out var problem);
            if (identity is null)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{source} line {number}: {problem}"));
            }

            if (!identities.TryAdd(identity.Name, identity))
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{source} line {number}: {identity.Name} appears twice"));
            }
        }

        return new IdentityMap(identities);
    }

    private static TerminalIdentity? ParseLine(string[] fields, out string problem)
    {
        problem = "";
        if (fields.Length < 2 || !IsValidName(fields[1]))
        {
            problem = "expected '<role> <name> [store terminal]' with a name of 1-129 of [A-Za-z0-9_./-]";
            return null;
        }

        var name = fields[1];
        switch (fields[0].ToLowerInvariant())
        {
            case "terminal":
                var (store, terminal) = fields.Length switch
                {
                    2 when name.Split('/') is [var s, var t] => (s, t),
                    4 => (fields[2], fields[3]),
                    _ => ("", ""),
                };
                if (!Identifiers.IsValid(store) || !Identifiers.IsValid(terminal))
                {
                    problem = "a terminal is 'terminal {store}/{terminal}' or 'terminal <name> <store> <terminal>', ids of 1-64 of [A-Za-z0-9_-]";
                    return null;
                }

                return new TerminalIdentity(name, TerminalRole.Terminal, store, terminal);
            case "operator" when fields.Length == 2:
                return new TerminalIdentity(name, TerminalRole.Operator);
            case "agent" when fields.Length == 2:
                return new TerminalIdentity(name, TerminalRole.Agent);
            default:
                problem = $"unknown role '{fields[0]}' or extra fields; roles are terminal, operator, agent";
                return null;
        }
    }
}
