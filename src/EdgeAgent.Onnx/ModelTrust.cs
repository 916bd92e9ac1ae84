using System.Security.Cryptography;
using System.Text.Json;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Onnx;

/// <summary>
/// The public keys whose signatures on model cards the agent accepts (<c>Inference:ModelSigningKeys</c>), by key id.
/// Each configured path is a PEM file holding one public key, or a folder whose <c>*.pem</c> files each hold one. A
/// file with a private key is refused: the signing key belongs with whoever releases models, never on a node.
/// </summary>
public sealed class ModelTrust : IDisposable
{
    private readonly Dictionary<string, ECDsa> _keys;

    private ModelTrust(Dictionary<string, ECDsa> keys, bool required)
    {
        _keys = keys;
        Required = required;
    }

    /// <summary>Key ids of the trusted keys.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>Whether an unsigned card is refused (<c>Inference:RequireSignedModels</c>).</summary>
    public bool Required { get; }

    /// <summary>Reads the configured keys; throws <see cref="ModelLoadException"/> (reason <c>no_trusted_key</c>) naming every file that could not be used.</summary>
    public static ModelTrust From(InferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var keys = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var configured in options.SigningKeyPaths())
        {
            var path = ModelLoader.ResolvePath(configured);
            var files = Directory.Exists(path) ? Directory.GetFiles(path, "*.pem").Order(StringComparer.Ordinal).ToArray()
                : File.Exists(path) ? [path]
                : [];
            if (files.Length == 0 && (options.RequireSignedModels || options.ModelSigningKeys.Count > 0))
            {
                problems.Add($"no public key at {path} (Inference:ModelSigningKeys)");
            }

            foreach (var file in files)
            {
                if (Read(file, out var problem) is { } key)
                {
                    if (!keys.TryAdd(ModelCardSigning.KeyId(key), key))
                    {
                        key.Dispose();
                    }
                }
                else
                {
                    problems.Add(problem!);
                }
            }
        }

        if (problems.Count > 0 || (keys.Count == 0 && options.RequireSignedModels))
        {
            foreach (var key in keys.Values)
            {
                key.Dispose();
            }

            throw new ModelLoadException("(signing keys)", problems.Count > 0 ? problems : ["Inference:ModelSigningKeys names no key"], ModelRefusalReasons.NoTrustedKey);
        }

        return new ModelTrust(keys, options.RequireSignedModels);
    }

    /// <summary>
    /// Checks a card's signature: null when it may load (signed by a trusted key, or unsigned where signatures are not
    /// required), else the reason and what to say. A signature that is present is checked even where none is required.
    /// </summary>
    public (string Reason, string Problem)? Check(string cardJson, out string? signedBy)
    {
        SignatureCheck check;
        try
        {
            check = ModelCardSigning.Verify(cardJson, _keys, out signedBy);
        }
        catch (JsonException ex)
        {
            signedBy = null;
            return (ModelRefusalReasons.BadSignature, $"the card cannot be checked for a signature ({ex.Message})");
        }

        return check switch
        {
            SignatureCheck.Valid => null,
            SignatureCheck.NotSigned when !Required => null,
            SignatureCheck.NotSigned => (ModelRefusalReasons.NotSigned, "the card is not signed, and Inference:RequireSignedModels is on"),
            SignatureCheck.UnknownKey => (ModelRefusalReasons.UnknownKey,
                $"the card is signed by key {signedBy ?? "(none named)"}, which is not among the trusted keys ({string.Join(", ", _keys.Keys.Order(StringComparer.Ordinal))})"),
            _ => (ModelRefusalReasons.BadSignature, $"the card's signature by key {signedBy} does not verify: the card was changed after signing, or the signature is forged"),
        };
    }

    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }
    }

    private static ECDsa? Read(string file, out string? problem)
    {
        problem = null;
        string pem;
        try
        {
            pem = File.ReadAllText(file);
        }
        catch (IOException ex)
        {
            problem = $"{file} cannot be read ({ex.Message})";
            return null;
        }

        if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            problem = $"{file} holds a private key; a node trusts public keys only (keep the signing key off the node)";
            return null;
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (ModelCardSigning.IsP256(key))
            {
                return key;
            }

            problem = $"{file} is not a P-256 public key";
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            problem = $"{file} is not a PEM public key ({ex.Message})";
        }

        key.Dispose();
        return null;
    }
}
