using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeAgent.Core.Scoring;

/// <summary>
/// Signs and verifies model cards with ECDSA P-256 / SHA-256. The signature covers the card's canonical bytes: the
/// card's JSON without its <c>signature</c> field, object keys in ordinal order, no whitespace, strings re-escaped
/// one way and numbers exactly as written. Reformatting a card, reordering its keys or adding the signature leaves
/// the bytes alone; changing any value (a threshold, the model file's SHA-256, a feature name) changes them. A card
/// that repeats a key is refused outright, since a reader that keeps the last value and a signer that saw the first
/// would disagree about what was signed.
/// </summary>
public static class ModelCardSigning
{
    /// <summary>The card field that carries the signature, left out of the signed bytes.</summary>
    public const string SignatureField = "signature";

    /// <summary>The one algorithm cards are signed with.</summary>
    public const string Algorithm = "ecdsa-p256-sha256";

    private static readonly JsonWriterOptions Compact = new() { Indented = false, Encoder = JavaScriptEncoder.Default };
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.Default };

    /// <summary>The bytes a signature covers; throws <see cref="JsonException"/> for text that is not one JSON object without repeated keys.</summary>
    public static byte[] CanonicalBytes(string cardJson)
    {
        using var document = JsonDocument.Parse(cardJson);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A model card is a JSON object.");
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            Write(writer, document.RootElement, topLevel: true);
        }

        return buffer.ToArray();
    }

    /// <summary>Key id of a public key: the first 16 hex digits of the SHA-256 of its SubjectPublicKeyInfo.</summary>
    public static string KeyId(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
    }

    /// <summary>True for a P-256 key, the only curve cards are signed with.</summary>
    public static bool IsP256(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.KeySize == 256 && key.ExportParameters(includePrivateParameters: false).Curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value;
    }

    /// <summary>Returns the card's JSON with a fresh signature by <paramref name="privateKey"/> (any earlier signature replaced).</summary>
    public static string Sign(string cardJson, ECDsa privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        if (!IsP256(privateKey))
        {
            throw new ArgumentException("Model cards are signed with a P-256 key.", nameof(privateKey));
        }

        var value = privateKey.SignData(CanonicalBytes(cardJson), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var card = JsonNode.Parse(cardJson)!.AsObject();
        card.Remove(SignatureField);
        card[SignatureField] = new JsonObject
        {
            ["algorithm"] = Algorithm,
            ["keyId"] = KeyId(privateKey),
            ["value"] = Convert.ToBase64String(value),
        };
        return card.ToJsonString(Indented) + "\n";
    }

    /// <summary>
    /// Checks the card's signature against <paramref name="trusted"/> (public keys by key id); <paramref name="keyId"/>
    /// names the key the card says signed it, when it says one. Throws <see cref="JsonException"/> for a card that is not
    /// one JSON object without repeated keys.
    /// </summary>
    public static SignatureCheck Verify(string cardJson, IReadOnlyDictionary<string, ECDsa> trusted, out string? keyId)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        var canonical = CanonicalBytes(cardJson);
        keyId = null;
        using var document = JsonDocument.Parse(cardJson);
        if (!document.RootElement.TryGetProperty(SignatureField, out var signature) || signature.ValueKind == JsonValueKind.Null)
        {
            return SignatureCheck.NotSigned;
        }

        if (signature.ValueKind != JsonValueKind.Object
            || !TryString(signature, "algorithm", out var algorithm)
            || !TryString(signature, "keyId", out var id)
            || !TryString(signature, "value", out var value))
        {
            return SignatureCheck.BadSignature;
        }

        keyId = id;
        if (algorithm != Algorithm || !trusted.TryGetValue(id, out var key))
        {
            return SignatureCheck.UnknownKey;
        }

        var bytes = new byte[64];
        if (!Convert.TryFromBase64String(value, bytes, out var written) || written != bytes.Length)
        {
            return SignatureCheck.BadSignature;
        }

        return key.VerifyData(canonical, bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            ? SignatureCheck.Valid
            : SignatureCheck.BadSignature;
    }

    private static bool TryString(JsonElement element, string name, out string value)
    {
        value = element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String ? property.GetString()! : "";
        return value.Length > 0;
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element, bool topLevel = false)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var properties = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!properties.TryAdd(property.Name, property.Value))
                    {
                        throw new JsonException($"The card repeats the key '{property.Name}'.");
                    }
                }

                writer.WriteStartObject();
                foreach (var (name, value) in properties)
                {
                    if (topLevel && name == SignatureField)
                    {
                        continue;
                    }

                    writer.WritePropertyName(name);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                break;
            case JsonValueKind.Number:
                // As written: a number has one text in a signed card, and re-printing a double could change it.
                writer.WriteRawValue(element.GetRawText(), skipInputValidation: true);
                break;
            case JsonValueKind.True:
            case JsonValueKind.False:
                writer.WriteBooleanValue(element.GetBoolean());
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }
}
