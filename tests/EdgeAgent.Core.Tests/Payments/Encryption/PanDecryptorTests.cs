using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Core.Payments.Encryption;

namespace EdgeAgent.Core.Tests.Payments.Encryption;

public sealed class PanDecryptorTests : IDisposable
{
    private const string Pan = TestPayments.Pan;
    private readonly PanDecryptor _decryptor = new([NodeKeys.Current, NodeKeys.Previous]);

    public void Dispose() => _decryptor.Dispose();

    [Fact]
    public void Decrypt_TerminalSample_GivesTheDigitsWithTheCurrentKey()
    {
        var (result, pan, keyIndex) = Decrypt(NodeKeys.Encrypt(Pan, NodeKeys.Current));

        Assert.Equal(PanDecryptionResult.Decrypted, result);
        Assert.Equal(Pan, pan);
        Assert.Equal(0, keyIndex);
    }

    [Fact]
    public void Decrypt_ToThePreviousKey_StillDecryptsDuringARotation()
    {
        var (result, pan, keyIndex) = Decrypt(NodeKeys.Encrypt("5555555555554444", NodeKeys.Previous));

        Assert.Equal(PanDecryptionResult.Decrypted, result);
        Assert.Equal("5555555555554444", pan);
        Assert.Equal(1, keyIndex);
    }

    [Fact]
    public void Decrypt_JoseJwtEncryption_GivesTheDigits()
    {
        // A second implementation of ECDH-ES + Concat KDF + A256GCM: agreeing with it checks the KDF, not just a round trip.
        using var node = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = NodeKeys.Current.Q });
        var jwe = Jose.JWT.Encode(Pan, node, Jose.JweAlgorithm.ECDH_ES, Jose.JweEncryption.A256GCM,
            extraHeaders: new Dictionary<string, object> { ["kid"] = NodeKeys.Kid(NodeKeys.Current) });

        var (result, pan, _) = Decrypt(jwe);

        Assert.Equal(PanDecryptionResult.Decrypted, result);
        Assert.Equal(Pan, pan);
    }

    [Fact]
    public void JoseJwt_DecryptsTheTerminalSample()
    {
        using var node = ECDiffieHellman.Create(NodeKeys.Current);

        Assert.Equal(Pan, Jose.JWT.Decode(NodeKeys.Encrypt(Pan, NodeKeys.Current), node));
    }

    [Fact]
    public void Decrypt_WithPartyInfo_UsesItInTheKdf()
    {
        using var node = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = NodeKeys.Current.Q });
        var jwe = Jose.JWT.Encode(Pan, node, Jose.JweAlgorithm.ECDH_ES, Jose.JweEncryption.A256GCM,
            extraHeaders: new Dictionary<string, object>
            {
                ["kid"] = NodeKeys.Kid(NodeKeys.Current),
                ["apu"] = Base64Url.EncodeToString("terminal-7"u8),
                ["apv"] = Base64Url.EncodeToString("store-1"u8),
            });

        Assert.Equal((PanDecryptionResult.Decrypted, Pan, 0), Decrypt(jwe));
    }

    [Theory]
    [InlineData(3)] // ciphertext
    [InlineData(4)] // tag
    [InlineData(2)] // iv
    public void Decrypt_ChangedPart_IsNotAuthentic(int part)
    {
        var parts = NodeKeys.Encrypt(Pan, NodeKeys.Current).Split('.');
        var bytes = Base64Url.DecodeFromChars(parts[part]);
        bytes[0] ^= 1;
        parts[part] = Base64Url.EncodeToString(bytes);

        Assert.Equal(PanDecryptionResult.NotAuthentic, Decrypt(string.Join('.', parts)).Result);
    }

    [Fact]
    public void Decrypt_ChangedHeaderMember_IsNotAuthentic()
    {
        // A header member nobody reads, added on the way: the header is the additional data, so the tag no longer matches.
        var jwe = NodeKeys.Encrypt(Pan, NodeKeys.Current);
        var header = Header(jwe).Replace("{\"alg\"", "{\"typ\":\"x\",\"alg\"", StringComparison.Ordinal);

        Assert.Equal(PanDecryptionResult.NotAuthentic, Decrypt(WithHeader(jwe, header)).Result);
    }

    [Fact]
    public void Decrypt_EncryptedToAnotherKeyUnderThisKid_IsNotAuthentic()
    {
        var jwe = NodeKeys.Encrypt(Pan, NodeKeys.Foreign, kid: NodeKeys.Kid(NodeKeys.Current));

        Assert.Equal(PanDecryptionResult.NotAuthentic, Decrypt(jwe).Result);
    }

    [Fact]
    public void Decrypt_KidOfAKeyNotHeld_IsUnknownKey()
    {
        Assert.Equal(PanDecryptionResult.UnknownKey, Decrypt(NodeKeys.Encrypt(Pan, NodeKeys.Foreign)).Result);
    }

    [Fact]
    public void Decrypt_NoKeys_IsUnknownKey()
    {
        var span = new byte[19];
        var jwe = Encoding.ASCII.GetBytes(NodeKeys.Encrypt(Pan, NodeKeys.Current));

        Assert.Equal(PanDecryptionResult.UnknownKey, PanDecryptor.None.Decrypt(jwe, span, out _, out _));
    }

    [Theory]
    [InlineData("\"alg\":\"ECDH-ES\"", "\"alg\":\"RSA-OAEP\"")]
    [InlineData("\"alg\":\"ECDH-ES\"", "\"alg\":\"dir\"")]
    [InlineData("\"enc\":\"A256GCM\"", "\"enc\":\"A128GCM\"")]
    [InlineData("\"enc\":\"A256GCM\"", "\"enc\":\"A256CBC-HS512\"")]
    [InlineData("\"crv\":\"P-256\"", "\"crv\":\"P-384\"")]
    [InlineData("\"kty\":\"EC\"", "\"kty\":\"OKP\"")]
    [InlineData("{\"alg\"", "{\"crit\":[\"exp\"],\"exp\":1,\"alg\"")]
    [InlineData("{\"alg\"", "{\"zip\":\"DEF\",\"alg\"")]
    public void Decrypt_OtherAlgorithmOrExtension_IsUnsupported(string from, string to)
    {
        var jwe = NodeKeys.Encrypt(Pan, NodeKeys.Current);

        Assert.Equal(PanDecryptionResult.Unsupported, Decrypt(WithHeader(jwe, Header(jwe).Replace(from, to, StringComparison.Ordinal))).Result);
    }

    [Fact]
    public void Decrypt_WrappedContentKey_IsUnsupported()
    {
        var parts = NodeKeys.Encrypt(Pan, NodeKeys.Current).Split('.');
        parts[1] = Base64Url.EncodeToString(new byte[40]);

        Assert.Equal(PanDecryptionResult.Unsupported, Decrypt(string.Join('.', parts)).Result);
    }

    [Fact]
    public void Decrypt_EphemeralKeyOffTheCurve_IsInvalidKey()
    {
        var jwe = NodeKeys.Encrypt(Pan, NodeKeys.Current);
        var header = Header(jwe);
        var y = header[(header.IndexOf("\"y\":\"", StringComparison.Ordinal) + 5)..];
        y = y[..y.IndexOf('"', StringComparison.Ordinal)];
        var bytes = Base64Url.DecodeFromChars(y);
        bytes[^1] ^= 1;

        var result = Decrypt(WithHeader(jwe, header.Replace(y, Base64Url.EncodeToString(bytes), StringComparison.Ordinal))).Result;

        Assert.Equal(PanDecryptionResult.InvalidKey, result);
    }

    [Fact]
    public void Decrypt_EphemeralKeyOfTheWrongLength_IsInvalidKey()
    {
        var jwe = NodeKeys.Encrypt(Pan, NodeKeys.Current);
        var header = Header(jwe);
        var x = header[(header.IndexOf("\"x\":\"", StringComparison.Ordinal) + 5)..];
        x = x[..x.IndexOf('"', StringComparison.Ordinal)];

        Assert.Equal(PanDecryptionResult.InvalidKey, Decrypt(WithHeader(jwe, header.Replace(x, x[..20], StringComparison.Ordinal))).Result);
    }

    [Theory]
    [InlineData("not a jwe")]
    [InlineData("a.b.c.d")]
    [InlineData("a.b.c.d.e.f")]
    [InlineData("....")]
    [InlineData("eyJhbGciOiJFQ0RILUVTIn0..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA")]
    public void Decrypt_NotAJweOfThisForm_IsMalformed(string jwe)
    {
        Assert.Equal(PanDecryptionResult.Malformed, Decrypt(jwe).Result);
    }

    [Fact]
    public void Decrypt_OverTheLengthLimit_IsRefusedBeforeAnyWork()
    {
        var jwe = NodeKeys.Encrypt(Pan, NodeKeys.Current);
        var padded = WithHeader(jwe, Header(jwe).Replace("{\"alg\"", "{\"p\":\"" + new string('x', 900) + "\",\"alg\"", StringComparison.Ordinal));

        Assert.True(padded.Length > PanDecryptor.MaxJweLength);
        Assert.Equal(PanDecryptionResult.Malformed, Decrypt(padded).Result);
    }

    [Fact]
    public void Decrypt_MemberTwice_IsMalformed()
    {
        var jwe = NodeKeys.Encrypt(Pan, NodeKeys.Current);

        Assert.Equal(PanDecryptionResult.Malformed,
            Decrypt(WithHeader(jwe, Header(jwe).Replace("{\"alg\":\"ECDH-ES\"", "{\"alg\":\"ECDH-ES\",\"alg\":\"ECDH-ES\"", StringComparison.Ordinal))).Result);
    }

    [Fact]
    public void Decrypt_PlaintextLongerThanTheBuffer_IsMalformed()
    {
        Assert.Equal(PanDecryptionResult.Malformed, Decrypt(NodeKeys.Encrypt(new string('4', 20), NodeKeys.Current)).Result);
    }

    [Fact]
    public void Decrypt_FromManyThreadsAtOnce_DecryptsEveryOne()
    {
        var jwes = Enumerable.Range(0, 64).Select(_ => Encoding.ASCII.GetBytes(NodeKeys.Encrypt(Pan, NodeKeys.Current))).ToArray();
        var decrypted = 0;

        Parallel.For(0, 2000, i =>
        {
            Span<byte> pan = stackalloc byte[19];
            if (_decryptor.Decrypt(jwes[i % jwes.Length], pan, out var written, out _) == PanDecryptionResult.Decrypted
                && pan[..written].SequenceEqual("4111111111111111"u8))
            {
                Interlocked.Increment(ref decrypted);
            }
        });

        Assert.Equal(2000, decrypted);
    }

    [Fact]
    public void KeyId_IsTheRfc7638Thumbprint()
    {
        // RFC 7638 §3.1 defines the member order and the hash; the RFC's own example is RSA, so this checks against the
        // canonical form computed independently.
        var q = NodeKeys.Current.Q;
        var canonical = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{Base64Url.EncodeToString(q.X)}\",\"y\":\"{Base64Url.EncodeToString(q.Y)}\"}}";

        Assert.Equal(Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), PanKeyId.Of(NodeKeys.Current));
        Assert.Equal(PanKeyId.Of(NodeKeys.Current), _decryptor.KeyIds[0]);
    }

    private (PanDecryptionResult Result, string? Pan, int KeyIndex) Decrypt(string jwe)
    {
        var pan = new byte[19];
        var result = _decryptor.Decrypt(Encoding.ASCII.GetBytes(jwe), pan, out var written, out var keyIndex);
        return (result, result == PanDecryptionResult.Decrypted ? Encoding.ASCII.GetString(pan, 0, written) : null, keyIndex);
    }

    private static string Header(string jwe) => Encoding.UTF8.GetString(Base64Url.DecodeFromChars(jwe.AsSpan(0, jwe.IndexOf('.', StringComparison.Ordinal))));

    private static string WithHeader(string jwe, string header) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header)) + jwe[jwe.IndexOf('.', StringComparison.Ordinal)..];
}
