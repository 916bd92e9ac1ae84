using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using EdgeAgent.IntegrationTests.Infrastructure;
using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Security;
using MQTTnet;
using MQTTnet.Server;

namespace EdgeAgent.IntegrationTests.Security;

/// <summary>
/// An MQTTnet 5.2 server with the embedded broker's listeners (<see cref="EmbeddedBrokerEndpoints"/>) and policy
/// (<see cref="MqttServerPolicyAdapter"/>), wired as the ingest wires them, against mosquitto's clients: mutual TLS
/// with certificates made by <c>EdgeAgent credentials</c>, passwords over TLS, and the refusals.
/// </summary>
public sealed class EmbeddedBrokerTlsTests : IAsyncLifetime
{
    private readonly TempDirectory _folder = new();
    private readonly int _plainPort = FreePort.Next();
    private readonly int _tlsPort = FreePort.Next();
    private readonly ConcurrentQueue<string> _payments = new();
    private readonly TestMeterFactory _meters = new(BrokerRefusals.InstrumentName, "reason");
    private MqttServer? _server;
    private TerminalAccessPolicy? _policy;

    private string Credentials => Path.Combine(_folder.Path, "credentials");

    private string Broker(string file) => Path.Combine(Credentials, "broker", file);

    private string Terminal(string terminal) => Path.Combine(Credentials, "terminals", "store-1", terminal);

    public Task InitializeAsync()
    {
        Assert.Equal(0, Commands.CredentialsCommand.Run(["init", "--out", Credentials, "--store", "store-1", "--terminals", "t1,t2"]));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync();
            _server.Dispose();
        }

        _meters.Dispose();
        _folder.Dispose();
    }

    private async Task StartAsync(bool requireCertificate = true, bool anonymous = false)
    {
        var options = new MqttOptions
        {
            Port = _plainPort,
            TlsPort = _tlsPort,
            ServerCertificatePath = Broker("server.crt"),
            ServerKeyPath = Broker("server.key"),
            CaPath = Broker("ca.crt"),
            PasswordFile = Broker("passwd"),
            IdentitiesFile = Broker("identities.conf"),
            RequireClientCertificate = requireCertificate,
            AllowAnonymous = anonymous,
        };
        Assert.Empty(BrokerExposure.Problems(options));
        _policy = TerminalAccessPolicy.Create(options, "pos", _meters, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        _server = new MqttServerFactory().CreateMqttServer(EmbeddedBrokerEndpoints.Configure(new MqttServerOptionsBuilder(), options, _policy.ClientCertificates).Build());
        var adapter = new MqttServerPolicyAdapter(_policy, EmbeddedBrokerIngest.AgentClientId);
        _server.ValidatingConnectionAsync += adapter.ValidateConnectionAsync;
        _server.InterceptingSubscriptionAsync += adapter.InterceptSubscriptionAsync;
        _server.InterceptingPublishAsync += async e =>
        {
            if (!adapter.AuthorizePublish(e) || e.ClientId == EmbeddedBrokerIngest.AgentClientId || !TerminalTopics.TryParsePayments("pos", e.ApplicationMessage.Topic, out var store, out var terminal))
            {
                return;
            }

            // Taken as a payment, answered on the response topic only when it is the sender's own.
            e.ProcessPublish = false;
            _payments.Enqueue(e.ApplicationMessage.Topic);
            var identity = MqttServerPolicyAdapter.IdentityOf(e.SessionItems)!;
            if (e.ApplicationMessage.ResponseTopic is { } response && _policy.AuthorizeResponseTopic(identity, store, terminal, response).IsAllowed)
            {
                var answer = new MqttApplicationMessageBuilder().WithTopic(response).WithPayload("""{"status":"scored"}""")
                    .WithCorrelationData(e.ApplicationMessage.CorrelationData).Build();
                await _server!.InjectApplicationMessage(new InjectedMqttApplicationMessage(answer) { SenderClientId = EmbeddedBrokerIngest.AgentClientId });
            }
        };
        await _server.StartAsync();
    }

    private string[] Tls(string terminal) =>
        ["-V", "mqttv5", "-h", "127.0.0.1", "-p", _tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cafile", Broker("ca.crt"),
         "--cert", Path.Combine(Terminal(terminal), "client.crt"), "--key", Path.Combine(Terminal(terminal), "client.key")];

    private string[] Password(string terminal, string? password = null) =>
        ["-V", "mqttv5", "-h", "127.0.0.1", "-p", _tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cafile", Broker("ca.crt"),
         "-u", "store-1/" + terminal, "-i", "store-1/" + terminal, "-P", password ?? File.ReadAllText(Path.Combine(Terminal(terminal), "password")).Trim()];

    private static string[] Request(string terminal, string? responseTopic = null) =>
        ["-q", "1", "-W", "20", "-i", "store-1/" + terminal, "-t", $"pos/store-1/{terminal}/payments", "-e", responseTopic ?? $"pos/store-1/{terminal}/responses/rr", "-m", "{}"];

    [Fact]
    public async Task MutualTls_TerminalPaysOnItsTopic_AndIsAnswered()
    {
        await StartAsync();

        var result = await MosquittoCommands.RunAsync("mosquitto_rr", [.. Tls("t1"), .. Request("t1")]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("scored", result.Output, StringComparison.Ordinal);
        Assert.Equal(["pos/store-1/t1/payments"], _payments);
    }

    [Fact]
    public async Task MutualTls_WithoutACertificate_FailsTheHandshake_AndPasswordsDoNotStandIn()
    {
        await StartAsync(requireCertificate: true);

        var result = await MosquittoCommands.RunAsync("mosquitto_pub", [.. Password("t1"), "-q", "1", "-t", "pos/store-1/t1/payments", "-m", "{}"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Empty(_payments);
    }

    [Fact]
    public async Task PasswordOverTls_WhenCertificatesAreOptional_Pays_AndAWrongOneIsRefused()
    {
        await StartAsync(requireCertificate: false);

        var paid = await MosquittoCommands.RunAsync("mosquitto_rr", [.. Password("t2"), .. Request("t2")]);
        var wrong = await MosquittoCommands.RunAsync("mosquitto_pub", [.. Password("t2", "nope"), "-q", "1", "-t", "pos/store-1/t2/payments", "-m", "{}"]);

        Assert.True(paid.ExitCode == 0, paid.Error);
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Equal(1, _policy!.Refusals.Count(RefusalReason.BadCredentials));
        Assert.Equal(1, _meters.Recorded("bad_credentials"));
    }

    [Fact]
    public async Task AnotherTerminalsTopic_IsRefusedWithNotAuthorized_AndCounted()
    {
        await StartAsync();

        var result = await MosquittoCommands.RunAsync("mosquitto_pub", [.. Tls("t1"), "-q", "1", "-t", "pos/store-1/t2/payments", "-m", "{}"]);

        Assert.Contains("Not authorized", result.Error, StringComparison.Ordinal);
        Assert.Empty(_payments);
        Assert.Equal(1, _policy!.Refusals.Count(RefusalReason.OtherTerminal));
    }

    [Fact]
    public async Task WrongResponseTopic_GetsNoAnswer_AndIsCounted()
    {
        await StartAsync();

        // QoS 1: the PUBACK comes after the broker handled the payment, so the refusal is counted by then.
        var result = await MosquittoCommands.RunAsync("mosquitto_pub",
            [.. Tls("t1"), "-q", "1", "-t", "pos/store-1/t1/payments", "-D", "publish", "response-topic", "pos/store-1/t2/decisions", "-m", "{}"]);
        var subscribe = await MosquittoCommands.RunAsync("mosquitto_sub", [.. Tls("t1"), "-W", "2", "-t", "pos/store-1/t2/decisions"]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(["pos/store-1/t1/payments"], _payments);
        Assert.Equal(1, _policy!.Refusals.Count(RefusalReason.ResponseTopic));
        Assert.Equal(1, _policy.Refusals.Count(RefusalReason.SubscriptionNotAllowed));
        Assert.Contains("denied", subscribe.Error + subscribe.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CertificateOfAnotherCa_IsRefused()
    {
        await StartAsync();
        var other = Path.Combine(_folder.Path, "other");
        Assert.Equal(0, Commands.CredentialsCommand.Run(["init", "--out", other, "--store", "store-1", "--terminals", "t1"]));

        var result = await MosquittoCommands.RunAsync("mosquitto_pub",
            ["-V", "mqttv5", "-h", "127.0.0.1", "-p", _tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cafile", Broker("ca.crt"),
             .. MosquittoCommands.Certificate(Path.Combine(other, "terminals", "store-1", "t1"))[2..], "-q", "1", "-t", "pos/store-1/t1/payments", "-m", "{}"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Empty(_payments);
    }

    [Fact]
    public async Task Listeners_AreOnlyOnTheBindAddress_NotOnIPv6()
    {
        await StartAsync();

        using var v4 = new TcpClient();
        await v4.ConnectAsync(IPAddress.Loopback, _tlsPort);
        using var v6 = new TcpClient(AddressFamily.InterNetworkV6);
        await Assert.ThrowsAnyAsync<SocketException>(async () => await v6.ConnectAsync(IPAddress.IPv6Loopback, _tlsPort));
    }

    [Fact]
    public async Task PlaintextOnLoopback_WithAnonymousOff_IsRefused()
    {
        await StartAsync(anonymous: false);

        var result = await MosquittoCommands.RunAsync("mosquitto_pub",
            ["-V", "mqttv5", "-h", "127.0.0.1", "-p", _plainPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-q", "1", "-t", "pos/store-1/t1/payments", "-m", "{}"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(1, _policy!.Refusals.Count(RefusalReason.Anonymous));
    }
}
