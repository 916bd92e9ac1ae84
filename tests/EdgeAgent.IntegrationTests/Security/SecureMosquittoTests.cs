using System.Text;
using EdgeAgent.IntegrationTests.Infrastructure;
using EdgeAgent.Mqtt;

namespace EdgeAgent.IntegrationTests.Security;

/// <summary>
/// The shipped mosquitto configuration, with certificates and passwords made by <c>EdgeAgent credentials</c>, against
/// mosquitto's own clients: a terminal with its own credentials pays and gets its answer, another terminal's topic is
/// refused, a terminal subscribed to everything reads only its own, and the agent connects with TLS and its certificate.
/// </summary>
public sealed class SecureMosquittoTests(SecureMosquittoBroker broker) : IClassFixture<SecureMosquittoBroker>, IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private InProcessAgent? _agent;

    public async Task InitializeAsync()
    {
        _agent = await InProcessAgent.StartAsync(_data.Path, [.. AgentBroker(), "Inference:Provider=Cpu", "Mqtt:ReconnectMinDelaySeconds=0.1"]);
        var ingest = (IIngest)_agent.Services.GetService(typeof(IIngest))!;
        await Eventually.TrueAsync(() => ingest.IsConnected, "the agent is connected to mosquitto over TLS:\n" + broker.Log, TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        await _agent!.DisposeAsync();
        _data.Dispose();
    }

    private string[] AgentBroker() =>
    [
        "Mqtt:Host=127.0.0.1", $"Mqtt:Port={broker.CertificatePort}", "Mqtt:UseTls=true", "Mqtt:ClientId=edgeagent",
        $"Mqtt:CaPath={broker.Agent("ca.crt")}", $"Mqtt:ClientCertificatePath={broker.Agent("edgeagent.crt")}", $"Mqtt:ClientKeyPath={broker.Agent("edgeagent.key")}",
    ];

    private string[] WithCertificate(string terminal) =>
        ["-V", "mqttv5", "-h", "127.0.0.1", "-p", broker.CertificatePort.ToString(System.Globalization.CultureInfo.InvariantCulture), .. MosquittoCommands.Certificate(broker.Terminal(terminal))];

    private string[] WithPassword(string terminal, string? password = null) =>
    [
        "-V", "mqttv5", "-h", "127.0.0.1", "-p", broker.PasswordPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cafile", Path.Combine(broker.Terminal(terminal), "ca.crt"),
        "-u", "store-1/" + terminal, "-P", password ?? File.ReadAllText(Path.Combine(broker.Terminal(terminal), "password")).Trim(),
    ];

    private static string[] Request(string terminal, string transactionId) =>
        ["-q", "1", "-W", "30", "-t", Payloads.Topic("store-1", terminal), "-e", $"pos/store-1/{terminal}/responses/rr", "-m", Encoding.UTF8.GetString(Payloads.Payment(transactionId))];

    [Fact]
    public async Task TerminalWithItsCertificate_PaysAndGetsItsAnswer()
    {
        var result = await MosquittoCommands.RunAsync("mosquitto_rr", [.. WithCertificate("t1"), .. Request("t1", "cert-1")]);

        Assert.True(result.ExitCode == 0, result.Error + broker.Log);
        Assert.Equal("scored", Answers.Status(Encoding.UTF8.GetBytes(result.Output)));
    }

    [Fact]
    public async Task TerminalWithItsPassword_PaysAndGetsItsAnswer()
    {
        var result = await MosquittoCommands.RunAsync("mosquitto_rr", [.. WithPassword("t2"), .. Request("t2", "pw-1")]);

        Assert.True(result.ExitCode == 0, result.Error + broker.Log);
        Assert.Equal("scored", Answers.Status(Encoding.UTF8.GetBytes(result.Output)));
    }

    [Fact]
    public async Task WrongPassword_MissingCertificate_AndPlaintext_AreRefused()
    {
        string[] payment = ["-q", "1", "-t", Payloads.Topic("store-1", "t1"), "-m", "{}"];
        var port = broker.CertificatePort.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var wrong = await MosquittoCommands.RunAsync("mosquitto_pub", [.. WithPassword("t1", "not-the-password"), .. payment]);
        var noCertificate = await MosquittoCommands.RunAsync("mosquitto_pub", ["-V", "mqttv5", "-h", "127.0.0.1", "-p", port, "--cafile", broker.Agent("ca.crt"), .. payment]);
        var plaintext = await MosquittoCommands.RunAsync("mosquitto_pub", ["-V", "mqttv5", "-h", "127.0.0.1", "-p", broker.PasswordPort.ToString(System.Globalization.CultureInfo.InvariantCulture), .. payment]);

        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("Not authorized", wrong.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, noCertificate.ExitCode);
        Assert.NotEqual(0, plaintext.ExitCode);
        Assert.Equal(0, _agent!.Metrics.Received);
    }

    [Fact]
    public async Task AnotherTerminalsTopic_AndOversizedMessages_NeverReachTheAgent()
    {
        var other = await MosquittoCommands.RunAsync("mosquitto_pub", [.. WithCertificate("t1"), "-q", "1", "-t", Payloads.Topic("store-1", "t2"), "-m", Encoding.UTF8.GetString(Payloads.Payment("forged"))]);
        // MQTT 3.1.1: an MQTT 5 client learns the limit from the CONNACK and would not even send it.
        var huge = await MosquittoCommands.RunAsync("mosquitto_pub", [.. WithCertificate("t1")[2..], "-V", "mqttv311", "-q", "1", "-t", Payloads.Topic("store-1", "t1"), "-m", new string('x', 20_000)]);

        // A payment of its own afterwards: once it is answered, anything the broker had let through would have arrived first.
        var own = await MosquittoCommands.RunAsync("mosquitto_rr", [.. WithCertificate("t1"), .. Request("t1", "own-1")]);

        Assert.Contains("Not authorized", other.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, huge.ExitCode);
        Assert.Equal(0, own.ExitCode);
        Assert.Equal(1, _agent!.Metrics.Received);
        Assert.Equal(1, _agent.Metrics.Scored);
    }

    [Fact]
    public async Task TerminalSubscribedToEverything_ReadsOnlyWhatIsItsOwn()
    {
        using var spy = MosquittoCommands.Start("mosquitto_sub", [.. WithCertificate("t2"), "-d", "-v", "-C", "1", "-W", "30", "-t", "pos/#", "-t", "#", "-t", "$SYS/#"], lineBuffered: true);
        var output = new StringBuilder();
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        spy.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.Contains("received SUBACK", StringComparison.Ordinal) == true)
            {
                subscribed.TrySetResult();
            }
        };
        spy.BeginOutputReadLine();
        await subscribed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var paid = await MosquittoCommands.RunAsync("mosquitto_rr", [.. WithCertificate("t1"), .. Request("t1", "spied-1")]);
        Assert.Equal(0, paid.ExitCode);

        // Then something t2 may read: mosquitto delivers in order, so the payment and t1's answer, had t2 been allowed
        // them, would have come before it.
        var marker = await MosquittoCommands.RunAsync("mosquitto_pub",
            ["-V", "mqttv5", "-h", "127.0.0.1", "-p", broker.CertificatePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
             .. MosquittoCommands.Certificate(Path.Combine(broker.Credentials, "agent"), "edgeagent-uplink"), "-q", "1", "-t", "pos/store-1/t2/decisions", "-m", "marker"]);
        Assert.Equal(0, marker.ExitCode);
        await spy.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var seen = output.ToString();
        Assert.Contains("pos/store-1/t2/decisions marker", seen, StringComparison.Ordinal);
        Assert.DoesNotContain("pos/store-1/t1/", seen, StringComparison.Ordinal);
        Assert.DoesNotContain(Payloads.Pan, seen, StringComparison.Ordinal);
        Assert.DoesNotContain("spied-1", seen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloudUplink_ConnectsWithTlsAndItsCertificate()
    {
        using var data = new TempDirectory();
        await using var agent = await InProcessAgent.StartAsync(data.Path,
        [
            $"Mqtt:Port={FreePort.Next()}", "Inference:Provider=Cpu", "Cloud:Transport=Mqtt", "Cloud:Host=127.0.0.1", $"Cloud:Port={broker.CertificatePort}",
            "Cloud:ClientId=uplink", $"Cloud:TrustedCertificatesPath={broker.Agent("ca.crt")}", $"Cloud:CertificatePath={broker.Agent("edgeagent-uplink.crt")}",
            $"Cloud:CertificateKeyPath={broker.Agent("edgeagent-uplink.key")}", "Cloud:RetryMinDelaySeconds=0.1",
        ]);

        // The reported properties are published retained once the uplink is connected: the operator reads them as mosquitto has them.
        var reported = await MosquittoCommands.RunAsync("mosquitto_sub",
            ["-V", "mqttv5", "-h", "127.0.0.1", "-p", broker.CertificatePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
             .. MosquittoCommands.Certificate(Path.Combine(broker.Credentials, "operators", "ops")), "-C", "1", "-W", "30", "-t", "edgeagent/uplink/reported"]);

        Assert.True(reported.ExitCode == 0, reported.Error + broker.Log);
        Assert.Contains("\"agent\"", reported.Output, StringComparison.Ordinal);
    }
}
