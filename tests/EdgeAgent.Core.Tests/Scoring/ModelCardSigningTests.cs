using System.Security.Cryptography;
using System.Text.Json;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Core.Tests.Scoring;

public sealed class ModelCardSigningTests
{
    private const string Card = """
        {
          "name": "m",
          "version": "1.0.0",
          "sha256": "ab",
          "thresholds": { "review": 0.004968434572219849, "decline": 0.99 },
          "features": { "names": ["amount", "log_amount"] },
          "description": "ONNX Runtime vs ML.NET \u00d7 1.79E-07"
        }
        """;

    private static Dictionary<string, ECDsa> Trust(params ECDsa[] keys) => keys.ToDictionary(ModelCardSigning.KeyId);

    [Fact]
    public void SignedCard_Verifies_WhateverItsLayoutAndKeyOrder()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signed = ModelCardSigning.Sign(Card, key);

        var node = System.Text.Json.Nodes.JsonNode.Parse(signed)!.AsObject();
        var reordered = new System.Text.Json.Nodes.JsonObject();
        foreach (var (name, value) in node.Reverse().ToList())
        {
            node.Remove(name);
            reordered[name] = value;
        }

        Assert.Equal(SignatureCheck.Valid, ModelCardSigning.Verify(signed, Trust(key), out var keyId));
        Assert.Equal(ModelCardSigning.KeyId(key), keyId);
        Assert.Equal(SignatureCheck.Valid, ModelCardSigning.Verify(reordered.ToJsonString(), Trust(key), out _));
        Assert.Equal(ModelCardSigning.CanonicalBytes(Card), ModelCardSigning.CanonicalBytes(signed));
    }

    [Theory]
    [InlineData("0.004968434572219849", "0.5")]
    [InlineData("\"sha256\": \"ab\"", "\"sha256\": \"ac\"")]
    [InlineData("\"log_amount\"", "\"amount\"")]
    public void ChangedValue_DoesNotVerify(string from, string to)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signed = ModelCardSigning.Sign(Card, key);
        Assert.Contains(from, signed, StringComparison.Ordinal);

        Assert.Equal(SignatureCheck.BadSignature, ModelCardSigning.Verify(signed.Replace(from, to, StringComparison.Ordinal), Trust(key), out _));
    }

    [Fact]
    public void UnsignedCard_AndOtherKeys_AreToldApart()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Equal(SignatureCheck.NotSigned, ModelCardSigning.Verify(Card, Trust(key), out _));
        Assert.Equal(SignatureCheck.UnknownKey, ModelCardSigning.Verify(ModelCardSigning.Sign(Card, other), Trust(key), out var keyId));
        Assert.Equal(ModelCardSigning.KeyId(other), keyId);
    }

    [Fact]
    public void SignatureClaimingATrustedKey_ButMadeByAnother_DoesNotVerify()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = ModelCardSigning.Sign(Card, other).Replace(ModelCardSigning.KeyId(other), ModelCardSigning.KeyId(key), StringComparison.Ordinal);

        Assert.Equal(SignatureCheck.BadSignature, ModelCardSigning.Verify(forged, Trust(key), out _));
    }

    [Fact]
    public void RepeatedKey_IsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signed = ModelCardSigning.Sign(Card, key);
        var repeated = signed.Replace("\"name\": \"m\",", "\"name\": \"m\", \"version\": \"9.9.9\",", StringComparison.Ordinal);

        Assert.Throws<JsonException>(() => ModelCardSigning.Verify(repeated, Trust(key), out _));
    }
}
