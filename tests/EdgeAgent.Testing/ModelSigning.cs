using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Testing;

/// <summary>
/// A model signing key of the tests' own, made once per test run: tests that write or change a card sign it with this
/// key and start the agent trusting it (<see cref="TrustSettings"/>) beside the release's shipped key. <see cref="Other"/>
/// is a second key the agent never trusts, for forgeries.
/// </summary>
public static class ModelSigning
{
    private static readonly Lazy<(ECDsa Key, string PublicKeyPath)> Trusted = new(() => Create("trusted"));
    private static readonly Lazy<(ECDsa Key, string PublicKeyPath)> Untrusted = new(() => Create("untrusted"));

    /// <summary>The shipped public key beside the agent.</summary>
    public static string ShippedKeyPath => Path.Combine(AppContext.BaseDirectory, "models", "model-signing.pub.pem");

    public static ECDsa Key => Trusted.Value.Key;

    public static ECDsa Other => Untrusted.Value.Key;

    public static string PublicKeyPath => Trusted.Value.PublicKeyPath;

    /// <summary>Agent settings that trust the test key and the shipped key.</summary>
    public static string[] TrustSettings =>
        [$"Inference:ModelSigningKeys:0={ShippedKeyPath}", $"Inference:ModelSigningKeys:1={PublicKeyPath}"];

    /// <summary>The card signed by <paramref name="key"/> (the test key when null).</summary>
    public static string Sign(JsonObject card, ECDsa? key = null) => ModelCardSigning.Sign(card.ToJsonString(), key ?? Key);

    private static (ECDsa, string) Create(string name)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var folder = Path.Combine(Path.GetTempPath(), "edgeagent-model-keys-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".pub.pem");
        File.WriteAllText(path, key.ExportSubjectPublicKeyInfoPem());
        return (key, path);
    }
}
