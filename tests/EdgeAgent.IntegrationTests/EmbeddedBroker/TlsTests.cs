using System.Net;
using System.Net.Security;
using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using EdgeAgent.Mqtt.Embedded;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>A TLS listener beside the plaintext one, with the certificate setup handed in, as the security setup will.</summary>
public sealed class TlsTests : IAsyncLifetime
{
    private readonly RecordingAccess _access = new();
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await StartAsync(_access, TimeProvider.System);

    private static Task<TestBroker> StartAsync(RecordingAccess access, TimeProvider time, Action<Mqtt.MqttOptions>? configure = null) =>
        TestBroker.StartAsync(configure, access: access, time: time, endpoints: port =>
        [
            new BrokerEndpoint(new IPEndPoint(IPAddress.Loopback, port)),
            new BrokerEndpoint(new IPEndPoint(IPAddress.Loopback, 0), new BrokerTls
            {
                ServerOptions = () => new SslServerAuthenticationOptions { ServerCertificate = TestCertificates.Server, ClientCertificateRequired = true },
                // Mutual TLS: only the test terminal's certificate, or none (then the policy decides on what else it presents).
                ValidateClientCertificate = (_, certificate, _, _) =>
                    certificate is null || certificate.GetCertHashString() == TestCertificates.Client.GetCertHashString(),
            }),
        ]);

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task ClientOverTls_IsServed_AndThePolicySeesATlsConnection()
    {
        await using var client = await TestClient.ConnectAsync(_broker.TlsPort, "tls-1", configure: o => o.WithTlsOptions(t => t.UseTls().WithCertificateValidationHandler(_ => true)));
        await client.SubscribeAsync("test/tls-1/answers");

        await client.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-tls"), "test/tls-1/answers", [7]);
        var answer = await client.NextAsync();

        Assert.Equal([7], answer.CorrelationData);
        var request = Assert.Single(_access.Requests, r => r.ClientId == "tls-1");
        Assert.True(request.IsTls);
        Assert.Null(request.ClientCertificate);
    }

    [Fact]
    public async Task ClientCertificate_ReachesThePolicy()
    {
        await using var client = await TestClient.ConnectAsync(_broker.TlsPort, "mtls-1", configure: o => o.WithTlsOptions(t => t
            .UseTls().WithCertificateValidationHandler(_ => true).WithClientCertificates([TestCertificates.Client])));

        Assert.Equal(MqttClientConnectResultCode.Success, client.Connected.ResultCode);
        var request = Assert.Single(_access.Requests, r => r.ClientId == "mtls-1");
        Assert.Equal(TestCertificates.Client.GetCertHashString(), request.ClientCertificate!.GetCertHashString());
    }

    [Fact]
    public async Task CertificateTheListenerRefuses_FailsTheHandshake_AndIsCounted()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => TestClient.ConnectAsync(_broker.TlsPort, "mtls-bad", configure: o => o.WithTlsOptions(t => t
            .UseTls().WithCertificateValidationHandler(_ => true).WithClientCertificates([TestCertificates.Server]))));

        await Eventually.TrueAsync(() => _broker.Metrics.Refusals("tls_handshake_failed") == 1, "the handshake failure was counted");
        Assert.DoesNotContain(_access.Requests, r => r.ClientId == "mtls-bad");
    }

    [Fact]
    public async Task ClientThatNeverStartsTheHandshake_IsClosedAtTheDeadline()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // The overall deadline before authentication, 3 s by default, would close it first.
        await using var broker = await StartAsync(new RecordingAccess(), time, o => o.BrokerPreAuthTimeoutSeconds = 600);
        await using var silent = await RawMqtt.OpenAsync(broker.TlsPort);

        var closed = false;
        for (var i = 0; i < 100 && !closed; i++)
        {
            time.Advance(TimeSpan.FromSeconds(11)); // past Mqtt:BrokerTlsHandshakeTimeoutSeconds, once the handshake has begun
            closed = await silent.ClosedAsync(TimeSpan.FromMilliseconds(100));
        }

        Assert.True(closed);
        Assert.Equal(1, broker.Metrics.Refusals("tls_handshake_timeout"));
    }

    [Fact]
    public async Task PlaintextListener_StillServesBesideTheTlsOne()
    {
        await using var client = await TestClient.ConnectAsync(_broker.Port, "plain-1");

        Assert.Equal(MqttClientConnectResultCode.Success, client.Connected.ResultCode);
        Assert.False(Assert.Single(_access.Requests, r => r.ClientId == "plain-1").IsTls);
    }
}
