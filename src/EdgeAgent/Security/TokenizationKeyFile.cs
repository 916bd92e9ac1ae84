using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Core.Tokenization;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Security;

/// <summary>
/// A tokenization key file: one line <c>{keyId}:{base64 key}</c>, so that the key id travels with the key and a new
/// key cannot take an old key's id by accident; a bare base64 key (the older form, and what
/// <c>head -c 32 /dev/urandom | base64</c> writes) takes its id from configuration.
/// </summary>
public static class TokenizationKeyFile
{
    /// <summary>Reads <paramref name="path"/>: the key and the id it names (null for a bare key).</summary>
    public static (byte[] Key, string? KeyId) Read(string path)
    {
        if (!File.Exists(path))
        {
            throw Refusal($"the key file {path} does not exist");
        }

        var text = File.ReadAllText(path).Trim();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        string? id = null;
        if (colon >= 0)
        {
            id = text[..colon].Trim();
            text = text[(colon + 1)..].Trim();
            if (!CardTokenizer.IsValidKeyId(id))
            {
                throw Refusal($"the key file {path} names key id '{id}'; a key id is 1-16 of [A-Za-z0-9_-]");
            }
        }

        return (Decode(text, $"the key file {path}"), id);
    }

    /// <summary>Decodes a base64 key of at least <see cref="CardTokenizer.MinimumKeyBytes"/> bytes; <paramref name="source"/> names it in errors.</summary>
    public static byte[] Decode(string base64, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw Refusal($"{source} is not base64");
        }

        if (key.Length < CardTokenizer.MinimumKeyBytes)
        {
            throw Refusal($"{source} holds {key.Length} bytes; a tokenization key needs at least {CardTokenizer.MinimumKeyBytes}");
        }

        return key;
    }

    /// <summary>Creates a key file (mode 0600, atomically); false when <paramref name="path"/> already exists (it is left alone).</summary>
    public static bool TryCreate(string path, string keyId, ReadOnlySpan<byte> key)
    {
        var line = Encoding.ASCII.GetBytes(Format(keyId, key));
        try
        {
            return SecretFile.Write(path, line, overwrite: false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(line);
        }
    }

    /// <summary>The key file's line: <c>{keyId}:{base64}</c>.</summary>
    public static string Format(string keyId, ReadOnlySpan<byte> key) => keyId + ":" + Convert.ToBase64String(key) + "\n";

    /// <summary>A start refusal naming the tokenization settings.</summary>
    public static OptionsValidationException Refusal(string message) =>
        new(TokenizationOptions.SectionName, typeof(TokenizationOptions), [message]);
}
