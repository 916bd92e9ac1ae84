using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Payments.Encryption;
using EdgeAgent.Core.Tokenization;
using EdgeAgent.Testing;

namespace EdgeAgent.Benchmarks;

/// <summary>
/// What a card number encrypted by the terminal (JWE, ECDH-ES P-256, A256GCM) costs the agent: the decryption alone,
/// the ECDH inside it, and the whole parse of a payment with an encrypted card number against one with it in clear.
/// </summary>
/// <remarks>The minimum and the median are shown besides the mean: on a shared machine they say more than the mean.</remarks>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class PanDecryptionBenchmarks
{
    private const string Topic = "pos/store-1/t1/payments";
    private readonly byte[] _pan = new byte[19];
    private PanDecryptor _decryptor = null!;
    private PaymentParser _parser = null!;
    private byte[] _jwe = [];
    private byte[] _clearPayload = [];
    private byte[] _encryptedPayload = [];
    private ECDiffieHellman _node = null!;
    private ECDiffieHellman _ephemeral = null!;
    private ECPoint _ephemeralPoint;

    [GlobalSetup]
    public void Setup()
    {
        _node = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var key = _node.ExportParameters(includePrivateParameters: true);
        _decryptor = new PanDecryptor([key]);
        _parser = new PaymentParser(new CardTokenizer(new byte[32], "k1"), new ValidationOptions(), "pos", TimeProvider.System, _decryptor);
        var jwe = TerminalPanEncryption.Encrypt("4111111111111111", PanKeyId.Of(key), key.Q.X!, key.Q.Y!);
        _jwe = Encoding.ASCII.GetBytes(jwe);
        _clearPayload = Payment("4111111111111111");
        _encryptedPayload = Payment(jwe);
        _ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        _ephemeralPoint = _ephemeral.ExportParameters(includePrivateParameters: false).Q;
        if (_decryptor.Decrypt(_jwe, _pan, out _, out _) != PanDecryptionResult.Decrypted || !_parser.Parse(Topic, _encryptedPayload, overLoopback: false).IsValid)
        {
            throw new InvalidOperationException("the benchmark's JWE does not decrypt");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _decryptor.Dispose();
        _node.Dispose();
        _ephemeral.Dispose();
    }

    /// <summary>The JWE to the digits: bounds, header, curve check, ECDH, Concat KDF, AES-GCM.</summary>
    [Benchmark]
    public PanDecryptionResult Decrypt() => _decryptor.Decrypt(_jwe, _pan, out _, out _);

    /// <summary>The ECDH alone (P-256 shared secret with a ready public key), the part no implementation avoids.</summary>
    [Benchmark]
    public int EcdhOnly()
    {
        var secret = _node.DeriveRawSecretAgreement(_ephemeral.PublicKey);
        return secret.Length;
    }

    /// <summary>The sender's ephemeral public key imported for the ECDH, as the decryption does for each payment.</summary>
    [Benchmark]
    public int ImportEphemeralKey()
    {
        using var key = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = _ephemeralPoint });
        return key.KeySize;
    }

    /// <summary>A whole payment with its card number in clear: validation and the HMAC token.</summary>
    [Benchmark(Baseline = true)]
    public PaymentParseResult ParseClear() => _parser.Parse(Topic, _clearPayload, overLoopback: true);

    /// <summary>The same payment with its card number encrypted.</summary>
    [Benchmark]
    public PaymentParseResult ParseEncrypted() => _parser.Parse(Topic, _encryptedPayload, overLoopback: false);

    private static byte[] Payment(string pan) => Encoding.UTF8.GetBytes(
        $$$"""{"transactionId":"tx-1","timestamp":"2026-11-28T11:59:00+01:00","amount":42.50,"currency":"EUR","pan":"{{{pan}}}","mcc":"5411","channel":"pos","merchantId":"m-1","location":{"lat":48.85,"lon":2.35}}""");
}
