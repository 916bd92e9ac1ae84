using System.Net;
using System.Net.Sockets;
using EdgeAgent.IntegrationTests.Infrastructure;
using EdgeAgent.Mqtt.Security;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAgent.IntegrationTests.Security;

/// <summary>
/// The whole agent with its embedded broker on TLS, against mosquitto's clients: mutual TLS with certificates made by
/// <c>EdgeAgent credentials</c>, passwords over TLS, and the refusals, counted by the terminals' access policy.
/// </summary>
public sealed class EmbeddedBrokerTlsTests : IAsyncLifetime
{
    private readonly TempDirectory _folder = new();
    private readonly int _plainPort = FreePort.Next();
    private readonly int _tlsPort = FreePort.Next();
    private InProcessAgent? _agent;

    private string Credentials => Path.Combine(_folder.Path, "credentials");

    private TerminalAccessPolicy Policy => _agent!.Services.GetRequiredService<TerminalAccessPolicy>();

    private long Received => _agent!.Metrics.Received;

    private string Broker(string file) => Path.Combine(Credentials, "broker", file);

    private string Terminal(string terminal) => Path.Combine(Credentials, "terminals", "store-1", terminal);

    public Task InitializeAsync()
    {
        Assert.Equal(0, Commands.CredentialsCommand.Run(["init", "--out", Credentials, "--store", "store-1", "--terminals", "t1,t2"]));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        _folder.Dispose();
    }

    private async Task StartAsync(bool requireCertificate = true, bool anonymous = false)
    {
        _agent = await InProcessAgent.StartAsync(Path.Combine(_folder.Path, "data"),
            $"Mqtt:Port={_plainPort}", $"Mqtt:TlsPort={_tlsPort}", "Inference:Provider=Cpu",
            $"Mqtt:ServerCertificatePath={Broker("server.crt")}", $"Mqtt:ServerKeyPath={Broker("server.key")}", $"Mqtt:CaPath={Broker("ca.crt")}",
            $"Mqtt:PasswordFile={Broker("passwd")}", $"Mqtt:IdentitiesFile={Broker("identities.conf")}",
            $"Mqtt:RequireClientCertificate={requireCertificate}", $"Mqtt:AllowAnonymous={anonymous}");
    }

    private string[] Tls(string terminal) =>
        ["-V", "mqttv5", "-h", "127.0.0.1", "-p", _tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cafile", Broker("ca.crt"),
         "--cert", Path.Combine(Terminal(terminal), "client.crt"), "--key", Path.Combine(Terminal(terminal), "client.key")];

    private string[] Password(string terminal, string? password = null) =>
        ["-V", "mqttv5", "-h", "127.0.0.1", "-p", _tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cafile", Broker("ca.crt"),
         "-u", "store-1/" + terminal, "-i", "store-1/" + terminal, "-P", password ?? File.ReadAllText(Path.Combine(Terminal(terminal), "password")).Trim()];

    private static string[] Request(string terminal, string? responseTopic = null) =>
        ["-q", "1", "-W", "20", "-i", "store-1/" + terminal, "-t", $"pos/store-1/{terminal}/payments", "-e", responseTopic ?? $"pos/store-1/{terminal}/responses/rr",
         "-m", System.Text.Encoding.UTF8.GetString(Payloads.Payment("tls-" + terminal))];

    [Fact]
    public async Task MutualTls_TerminalPaysOnItsTopic_AndIsAnswered()
    {
        await StartAsync();

        var result = await MosquittoCommands.RunAsync("mosquitto_rr", [.. Tls("t1"), .. Request("t1")]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("\"status\":\"scored\"", result.Output, StringComparison.Ordinal);
        Assert.Equal(1, Received);
    }

    [Fact]
    public async Task MutualTls_WithoutACertificate_FailsTheHandshake_AndPasswordsDoNotStandIn()
    {
        await StartAsync(requireCertificate: true);

        var result = await MosquittoCommands.RunAsync("mosquitto_pub", [.. Password("t1"), "-q", "1", "-t", "pos/store-1/t1/payments", "-m", "{}"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(0, Received);
    }

    [Fact]
    public async Task PasswordOverTls_WhenCertificatesAreOptional_Pays_AndAWrongOneIsRefused()
    {
        await StartAsync(requireCertificate: false);

        var paid = await MosquittoCommands.RunAsync("mosquitto_rr", [.. Password("t2"), .. Request("t2")]);
        var wrong = await MosquittoCommands.RunAsync("mosquitto_pub", [.. Password("t2", "nope"), "-q", "1", "-t", "pos/store-1/t2/payments", "-m", "{}"]);

        Assert.True(paid.ExitCode == 0, paid.Error);
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Equal(1, Policy.Refusals.Count(RefusalReason.BadCredentials));
    }

    [Fact]
    public async Task AnotherTerminalsTopic_IsRefusedWithNotAuthorized_AndCounted()
    {
        await StartAsync();

        var result = await MosquittoCommands.RunAsync("mosquitto_pub", [.. Tls("t1"), "-q", "1", "-t", "pos/store-1/t2/payments", "-m", "{}"]);

        Assert.Contains("Not authorized", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, Received);
        Assert.Equal(1, Policy.Refusals.Count(RefusalReason.OtherTerminal));
    }

    [Fact]
    public async Task WrongResponseTopic_GetsNoAnswer_AndIsCounted()
    {
        await StartAsync();

        // QoS 1: the PUBACK comes after the broker handled the payment, so the refusal is counted by then.
        var result = await MosquittoCommands.RunAsync("mosquitto_pub",
            [.. Tls("t1"), "-q", "1", "-t", "pos/store-1/t1/payments", "-D", "publish", "response-topic", "pos/store-1/t2/decisions", "-m",
             System.Text.Encoding.UTF8.GetString(Payloads.Payment("wrong-response"))]);
        var subscribe = await MosquittoCommands.RunAsync("mosquitto_sub", [.. Tls("t1"), "-W", "2", "-t", "pos/store-1/t2/decisions"]);

        Assert.True(result.ExitCode == 0, result.Error);
        // Refused by the broker itself (PUBACK "not authorized"): it never reaches the pipeline, and nothing is published.
        Assert.Equal(0, Received);
        Assert.Equal(1, Policy.Refusals.Count(RefusalReason.ResponseTopic));
        Assert.Equal(1, Policy.Refusals.Count(RefusalReason.SubscriptionNotAllowed));
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
        Assert.Equal(0, Received);
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
        Assert.Equal(1, Policy.Refusals.Count(RefusalReason.Anonymous));
    }
}
