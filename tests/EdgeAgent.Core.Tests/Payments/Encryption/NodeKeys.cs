using System.Security.Cryptography;
using EdgeAgent.Core.Payments.Encryption;

namespace EdgeAgent.Core.Tests.Payments.Encryption;

/// <summary>Node key pairs for the tests: made once per run, never written anywhere.</summary>
internal static class NodeKeys
{
    public static ECParameters Current { get; } = Make();

    public static ECParameters Previous { get; } = Make();

    /// <summary>A key this node does not hold.</summary>
    public static ECParameters Foreign { get; } = Make();

    public static string Kid(ECParameters key) => PanKeyId.Of(key);

    /// <summary>A JWE made with the C# terminal sample to <paramref name="key"/>, named <paramref name="kid"/> (its own kid by default).</summary>
    public static string Encrypt(string pan, ECParameters key, string? kid = null) =>
        TerminalPanEncryption.Encrypt(pan, kid ?? Kid(key), key.Q.X!, key.Q.Y!);

    private static ECParameters Make()
    {
        using var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportParameters(includePrivateParameters: true);
    }
}
