using System.Globalization;

namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// A mosquitto password file: one <c>user:hash</c> a line (see <see cref="PasswordHash"/>); blank lines and lines
/// starting with <c>#</c> are skipped. User names may contain <c>/</c> (terminals are <c>{store}/{terminal}</c>) but
/// not <c>:</c>, which ends the name.
/// </summary>
public sealed class PasswordFile
{
    private readonly Dictionary<string, PasswordHash> _users;

    // Verifying against this for unknown users keeps the time of a refusal the same whether the user exists or not: it
    // has the rounds most of the file's hashes have (mosquitto_passwd writes 101, this agent 10,000).
    private readonly PasswordHash _decoy;

    private PasswordFile(Dictionary<string, PasswordHash> users)
    {
        _users = users;
        var rounds = users.Values.Where(h => h.Iterations > 0).GroupBy(h => h.Iterations).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault();
        _decoy = PasswordHash.Create(Guid.NewGuid().ToString(), rounds > 0 ? rounds : PasswordHash.DefaultIterations);
    }

    /// <summary>The users, in no particular order.</summary>
    public IEnumerable<string> Users => _users.Keys;

    public static PasswordFile Load(string path) => Parse(File.ReadAllLines(path), path);

    /// <summary>Reads the lines of a password file; <paramref name="source"/> names it in errors.</summary>
    public static PasswordFile Parse(IEnumerable<string> lines, string source)
    {
        var users = new Dictionary<string, PasswordHash>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.TrimEnd('\r', '\n');
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{source} line {number}: expected user:hash"));
            }

            var user = line[..colon];
            try
            {
                if (!users.TryAdd(user, PasswordHash.Parse(line[(colon + 1)..])))
                {
                    throw new FormatException("the user appears twice");
                }
            }
            catch (FormatException ex)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{source} line {number} ({user}): {ex.Message}"), ex);
            }
        }

        return new PasswordFile(users);
    }

    /// <summary>Whether <paramref name="user"/> exists and <paramref name="password"/> is theirs.</summary>
    public bool Verify(string user, ReadOnlySpan<byte> password)
    {
        if (_users.TryGetValue(user, out var hash))
        {
            return hash.Verify(password);
        }

        _decoy.Verify(password);
        return false;
    }

    /// <summary>Whether the file has <paramref name="user"/>.</summary>
    public bool Contains(string user) => _users.ContainsKey(user);

    /// <summary>One line of a password file.</summary>
    public static string Line(string user, PasswordHash hash) => user + ":" + hash;
}
