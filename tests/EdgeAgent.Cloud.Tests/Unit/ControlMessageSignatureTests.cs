using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Cloud.Transport;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Cloud.Tests.Unit;

/// <summary>Control messages over a generic broker count only when the cloud signed them.</summary>
public sealed class ControlMessageSignatureTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("""{"history":1}""");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    private long Now => _time.GetUtcNow().ToUnixTimeSeconds();

    private string Sign(string topic = "edgeagent/a/methods/GetTelemetry", string? response = "cloud/answers", long? ts = null) =>
        ControlMessageSignature.Sign(Key, topic, response, [1, 2], ts ?? Now, Payload);

    private string? Verify(string signature, long? ts = null, string topic = "edgeagent/a/methods/GetTelemetry", string? response = "cloud/answers", byte[]? payload = null, bool once = true, ControlMessageSignature? verifier = null) =>
        (verifier ?? new ControlMessageSignature(Key, _time)).Verify(topic, response, [1, 2], payload ?? Payload, (ts ?? Now).ToString(System.Globalization.CultureInfo.InvariantCulture), signature, once);

    [Fact]
    public void SignedMessage_Verifies()
    {
        Assert.Null(Verify(Sign()));
    }

    [Fact]
    public void Signature_IsHmacSha256OfTheDocumentedCanonicalForm()
    {
        var canonical = Encoding.UTF8.GetBytes($"edgeagent-control-v1\nedgeagent/a/methods/GetTelemetry\ncloud/answers\nAQI=\n{Now}\n").Concat(Payload).ToArray();
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Key, canonical)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal(expected, Sign());
    }

    [Fact]
    public void Tampering_WithPayloadTopicOrResponseTopic_IsRefused()
    {
        var signature = Sign();
        Assert.Equal("bad signature", Verify(signature, payload: Encoding.UTF8.GetBytes("""{"history":9}""")));
        Assert.Equal("bad signature", Verify(signature, topic: "edgeagent/b/methods/GetTelemetry"));
        Assert.Equal("bad signature", Verify(signature, response: "attacker/answers"));
        Assert.Equal("bad signature", new ControlMessageSignature(new byte[32], _time).Verify("edgeagent/a/methods/GetTelemetry", "cloud/answers", [1, 2], Payload, Now.ToString(System.Globalization.CultureInfo.InvariantCulture), signature, true));
    }

    [Fact]
    public void Unsigned_IsRefused()
    {
        Assert.StartsWith("unsigned", new ControlMessageSignature(Key, _time).Verify("t", null, null, Payload, null, null, once: true), StringComparison.Ordinal);
    }

    [Fact]
    public void MethodRequest_IsRefusedWhenStale_OrReplayed()
    {
        var verifier = new ControlMessageSignature(Key, _time);
        var signature = Sign();
        Assert.Null(Verify(signature, verifier: verifier));
        Assert.Equal("replayed", Verify(signature, verifier: verifier));

        var old = Now - 600;
        Assert.StartsWith("stale", Verify(Sign(ts: old), ts: old, verifier: verifier), StringComparison.Ordinal);
    }

    [Fact]
    public void RetainedDesiredDocument_MayBeOld_ButMustBeSigned()
    {
        var old = Now - 86_400;
        Assert.Null(Verify(Sign("edgeagent/a/desired", null, old), ts: old, topic: "edgeagent/a/desired", response: null, once: false));
    }
}
