using System.Globalization;

namespace EdgeAgent.Security;

/// <summary>
/// The keys a node's records were tokenized with: <c>{Storage:Path}/tokenization.keys</c>, one <c>{keyId} {fingerprint}</c>
/// a line, in the order the keys came into use. Checked at every start, so that a replaced, regenerated or renamed key
/// stops the agent instead of silently splitting every card's history in two.
/// </summary>
public sealed class TokenizationKeyRegistry
{
    public const string FileName = "tokenization.keys";

    private readonly string _path;
    private readonly List<(string KeyId, string Fingerprint)> _entries;

    private TokenizationKeyRegistry(string path, List<(string, string)> entries)
    {
        _path = path;
        _entries = entries;
    }

    /// <summary>The keys on record, oldest first.</summary>
    public IReadOnlyList<(string KeyId, string Fingerprint)> Entries => _entries;

    public static TokenizationKeyRegistry Load(string dataPath)
    {
        var path = Path.Combine(dataPath, FileName);
        var entries = new List<(string, string)>();
        if (File.Exists(path))
        {
            foreach (var line in File.ReadAllLines(path))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length >= 2 && !fields[0].StartsWith('#'))
                {
                    entries.Add((fields[0], fields[1]));
                }
            }
        }

        return new TokenizationKeyRegistry(path, entries);
    }

    /// <summary>
    /// Null when <paramref name="keyId"/> with <paramref name="fingerprint"/> agrees with the record (or is new to it);
    /// otherwise why not, naming both keys.
    /// </summary>
    public string? Conflict(string keyId, string fingerprint, string role)
    {
        foreach (var (id, known) in _entries)
        {
            if (id == keyId && known != fingerprint)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"the {role} tokenization key {keyId} (fingerprint {fingerprint}) is not the key this node's records were tokenized with as {id} (fingerprint {known}). "
                    + $"Restore key {id}; or, to rotate, give the new key its own id (Tokenization:KeyId, or 'id:' in its key file) and keep {id} as Tokenization:PreviousKeyFile.");
            }

            if (id != keyId && known == fingerprint)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"the {role} tokenization key {keyId} (fingerprint {fingerprint}) is key {id} (fingerprint {known}) under another id: every card would get a new token. Use the id {id}.");
            }
        }

        return null;
    }

    /// <summary>Records the keys not yet on record, rewriting the file atomically.</summary>
    public void Record(params (string KeyId, string Fingerprint)[] keys)
    {
        var added = false;
        foreach (var key in keys)
        {
            if (!_entries.Contains(key))
            {
                _entries.Add(key);
                added = true;
            }
        }

        if (added)
        {
            var text = "# Keys this node's card tokens were made with (key id, fingerprint). Checked at start; do not edit.\n"
                + string.Concat(_entries.Select(e => e.KeyId + " " + e.Fingerprint + "\n"));
            SecretFile.WriteText(_path, text, overwrite: true);
        }
    }
}
