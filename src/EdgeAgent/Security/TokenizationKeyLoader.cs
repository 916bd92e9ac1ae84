using System.Security.Cryptography;
using EdgeAgent.Core.Tokenization;

namespace EdgeAgent.Security;

/// <summary>
/// Finds the tokenization keys: the current one (configured inline, in a key file, or generated once for this node)
/// and, during a rotation, the previous one. Each key's fingerprint is checked against the keys the node's records
/// were made with (<see cref="TokenizationKeyRegistry"/>): a different key under a known id, a known key under a new
/// id, or a missing generated key stops the start with both ids named.
/// </summary>
public static partial class TokenizationKeyLoader
{
    public const string GeneratedKeyFileName = "tokenization.key";

    /// <summary>The id of keys with none of their own, as before key ids were bound to keys.</summary>
    public const string DefaultKeyId = "k1";

    public static CardTokenizer CreateTokenizer(TokenizationOptions options, string dataPath, ILogger logger)
    {
        var registry = TokenizationKeyRegistry.Load(dataPath);
        var (key, keyId) = LoadCurrent(options, dataPath, registry, logger);
        byte[]? previous = null;
        try
        {
            string? previousId = null;
            if (!string.IsNullOrWhiteSpace(options.PreviousKeyFile) || !string.IsNullOrWhiteSpace(options.PreviousKey))
            {
                (previous, previousId) = LoadPrevious(options);
            }

            var fingerprint = KeyFingerprint.Of(key);
            Check(registry, keyId, fingerprint, "current");
            var keys = new List<(string, string)>();
            string? previousFingerprint = null;
            if (previous is not null)
            {
                previousFingerprint = KeyFingerprint.Of(previous);
                Check(registry, previousId!, previousFingerprint, "previous");
                keys.Add((previousId!, previousFingerprint));
            }

            keys.Add((keyId, fingerprint));
            CardTokenizer tokenizer;
            try
            {
                tokenizer = new CardTokenizer(key, keyId, previous ?? default(ReadOnlySpan<byte>), previousId);
            }
            catch (ArgumentException ex)
            {
                throw TokenizationKeyFile.Refusal(ex.Message);
            }

            registry.Record([.. keys]);
            LogKeys(logger, keyId, fingerprint, previousId ?? "none", previousFingerprint ?? "-");
            return tokenizer;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            if (previous is not null)
            {
                CryptographicOperations.ZeroMemory(previous);
            }
        }
    }

    private static (byte[] Key, string KeyId) LoadCurrent(TokenizationOptions options, string dataPath, TokenizationKeyRegistry registry, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(options.Key))
        {
            return (TokenizationKeyFile.Decode(options.Key, "Tokenization:Key"), options.KeyId ?? DefaultKeyId);
        }

        var path = string.IsNullOrWhiteSpace(options.KeyFile) ? Path.Combine(dataPath, GeneratedKeyFileName) : options.KeyFile;
        if (!string.IsNullOrWhiteSpace(options.KeyFile) || File.Exists(path))
        {
            var (key, fileId) = TokenizationKeyFile.Read(path);
            return (key, ResolveId(fileId, options.KeyId, path, "Tokenization:KeyId"));
        }

        if (registry.Entries.Count > 0)
        {
            var (lastId, lastFingerprint) = registry.Entries[^1];
            throw TokenizationKeyFile.Refusal(
                $"the tokenization key file {path} is gone, but this node's records were tokenized with key {lastId} (fingerprint {lastFingerprint}). "
                + "Restore that file; a new key would give every card a new token and split its history.");
        }

        // The id of a generated key is made from the key itself, so a key generated again can never pass for this one.
        var generated = RandomNumberGenerator.GetBytes(32);
        var id = options.KeyId ?? "g" + KeyFingerprint.Of(generated)[..8];
        if (!TokenizationKeyFile.TryCreate(path, id, generated))
        {
            CryptographicOperations.ZeroMemory(generated);
            return LoadCurrent(options, dataPath, registry, logger); // another start created it first: use that one
        }

        LogGenerated(logger, path, id);
        return (generated, id);
    }

    private static (byte[] Key, string KeyId) LoadPrevious(TokenizationOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.PreviousKey))
        {
            return (TokenizationKeyFile.Decode(options.PreviousKey, "Tokenization:PreviousKey"), options.PreviousKeyId!);
        }

        var (key, fileId) = TokenizationKeyFile.Read(options.PreviousKeyFile!);
        var id = fileId ?? options.PreviousKeyId
            ?? throw TokenizationKeyFile.Refusal($"the previous key file {options.PreviousKeyFile} names no key id; set Tokenization:PreviousKeyId");
        return (key, ResolveId(id, options.PreviousKeyId, options.PreviousKeyFile!, "Tokenization:PreviousKeyId"));
    }

    private static string ResolveId(string? fileId, string? configured, string path, string setting)
    {
        if (fileId is not null && configured is not null && fileId != configured)
        {
            throw TokenizationKeyFile.Refusal($"{setting} is {configured}, but the key file {path} holds key {fileId}");
        }

        return fileId ?? configured ?? DefaultKeyId;
    }

    private static void Check(TokenizationKeyRegistry registry, string keyId, string fingerprint, string role)
    {
        if (registry.Conflict(keyId, fingerprint, role) is { } conflict)
        {
            throw TokenizationKeyFile.Refusal(conflict);
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Generated tokenization key {KeyId} for this node at {Path}. Nodes whose card tokens must match need the same key (Tokenization:KeyFile), kept off the data volume.")]
    private static partial void LogGenerated(ILogger logger, string path, string keyId);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Tokenization key {KeyId} (fingerprint {Fingerprint}); previous key {PreviousKeyId} ({PreviousFingerprint})")]
    private static partial void LogKeys(ILogger logger, string keyId, string fingerprint, string previousKeyId, string previousFingerprint);
}
