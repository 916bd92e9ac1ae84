using System.Globalization;

namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// A mosquitto password file: one <c>user:hash</c> a line (see <see cref="PasswordHash"/>); blank lines and lines
/// starting with <c>#</c> are skipped. User names may contain <c>/</c> (terminals are <c>{store}/{terminal}</c>) but
/// not <c>:</c>, which ends the name.
/// </summary>
public sealed class PasswordFile
{
    // Verifying against this for unknown users keeps the time of a refusal the same whether the user exists or not.
    private static readonly PasswordHash Decoy = PasswordHash.Create(Guid.NewGuid().ToString());

    private readonly Dictionary<string, PasswordHash> _users;

    private PasswordFile(Dictionary<string, PasswordHash> users) => _users = users;

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

        Decoy.Verify(password);
        return false;
    }

    /// <summary>One line of a password file.</summary>
    public static string Line(string user, PasswordHash hash) => user + ":" + hash;
}
