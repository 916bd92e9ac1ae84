using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Security;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>
/// A flood of wrong passwords costs the agent little: after a failure that user name from that address is refused
/// without a check for a while (CONNACK 0x9F), password checks run a few at a time, every refusal is counted and the
/// log gets a line per reason and interval. An honest terminal elsewhere connects meanwhile.
/// </summary>
public sealed class PasswordFloodTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // A guessing loop from 127.0.0.2: several connections at a time, each a new CONNECT with a wrong password, until
    // `count` were answered; every CONNACK reason code is reported.
    private const string FloodScript = """
        const mqtt = require('mqtt');
        const net = require('net');
        const cfg = JSON.parse(process.argv[2]);
        const say = (event, data) => process.stdout.write(JSON.stringify({ event, ...data }) + '\n');
        const codes = {};
        let started = 0, answered = 0;
        const attempt = () => {
          if (started >= cfg.count) return;
          started++;
          const client = new mqtt.MqttClient(() => net.createConnection({ host: '127.0.0.1', port: cfg.port, localAddress: cfg.from }), {
            protocolVersion: 5, clientId: cfg.user + ':guess-' + started, username: cfg.user, password: 'guess-' + started,
            reconnectPeriod: 0, connectTimeout: 30000 });
          let done = false;
          const finish = (code) => {
            if (done) return;
            done = true;
            codes[code] = (codes[code] || 0) + 1;
            client.end(true);
            if (++answered === 1) say('first', { code });
            if (answered === cfg.count) say('done', { codes }); else attempt();
          };
          client.on('error', (err) => finish(String(err.code !== undefined ? err.code : err.message)));
          client.on('connect', () => finish('accepted'));
          client.on('close', () => finish('closed'));
        };
        for (let i = 0; i < cfg.parallel; i++) attempt();
        process.stdin.on('end', () => process.exit(0));
        process.stdin.resume();
        """;

    private readonly TestMeterFactory _policyMeters = new();
    private readonly LogRecorder _policyLogs = new();
    private readonly FakeTimeProvider _policyTime = new(DateTimeOffset.UtcNow);

    public void Dispose() => _policyMeters.Dispose();

    [Fact]
    public async Task FloodOfWrongPasswords_IsRefusedCheaply_AndAnHonestTerminalConnects()
    {
        const int attempts = 150;
        var policy = Policy();
        await using var broker = await TestBroker.StartAsync(o => o.RefusalLogIntervalSeconds = 3600, access: new PolicyBrokerAccess(policy, TestBroker.Root));
        await using var flood = await MqttJsTerminal.StartScriptAsync(FloodScript, new
        {
            port = broker.Port,
            from = "127.0.0.2",
            user = "store-1/t1",
            count = attempts,
            parallel = 4,
        });
        await flood.NextAsync("first", Patience);

        // The terminal whose user name is being guessed connects from its own address, with its password, during the flood.
        var honest = await ExternalClients.RunAsync(ExternalClients.MosquittoPub,
            ["-V", "5", "-h", "127.0.0.1", "-p", broker.Port.ToString(), "-u", "store-1/t1", "-P", "t1-secret", "-i", "store-1/t1", "-q", "1",
             "-t", Payloads.Topic(), "-m", "{}"], Patience);
        var done = await flood.NextAsync("done", TimeSpan.FromMinutes(3));

        Assert.True(honest.ExitCode == 0, honest.Output);
        Assert.Single(broker.Sink.Received);
        var codes = done.GetProperty("codes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(attempts, codes.Values.Sum());
        Assert.All(codes.Keys, code => Assert.Contains(code, new[] { "134", "159" })); // 0x86 bad credentials, 0x9F come back later: each read from a CONNACK

        // Every attempt is counted, and only a few were checked: the rest were refused during the back-off, without PBKDF2.
        var checkedAndWrong = policy.Refusals.Count(RefusalReason.BadCredentials);
        var backedOff = policy.Refusals.Count(RefusalReason.PasswordBackoff);
        Assert.Equal(attempts, checkedAndWrong + backedOff + broker.Metrics.Refusals("password_checks_busy") + broker.Metrics.Refusals("connection_rate"));
        // The policy's clock stands still, so the first back-off never ends: only the checks already running when the
        // first failure was recorded (at most Mqtt:BrokerPasswordChecksAtOnce, 2) were made.
        Assert.InRange(checkedAndWrong, 1, 2);
        Assert.Equal(codes.GetValueOrDefault("134"), checkedAndWrong);

        // The log has a line per reason, not per attempt.
        Assert.InRange(_policyLogs.Count(232), 1, 2);
        Assert.InRange(broker.Logs.Count(220), 1, 3);
    }

    [Theory]
    [InlineData(600)]
    [InlineData(0)]
    public async Task WrongPasswords_BackOffTheirAddress_ButAPasswordVerifiedRecentlyIsRecognisedWithoutACheck(int cacheSeconds)
    {
        var policy = Policy(cacheSeconds);
        await using var broker = await TestBroker.StartAsync(access: new PolicyBrokerAccess(policy, TestBroker.Root));
        Task<(int ExitCode, string Output)> ConnectAsync(string password) => ExternalClients.RunAsync(ExternalClients.MosquittoPub,
            ["-V", "5", "-h", "127.0.0.1", "-p", broker.Port.ToString(), "-u", "store-1/t1", "-P", password, "-i", "store-1/t1", "-q", "1",
             "-t", Payloads.Topic(), "-m", "{}"], Patience);

        Assert.Equal(0, (await ConnectAsync("t1-secret")).ExitCode);
        Assert.Contains("bad user name or password", (await ConnectAsync("wrong")).Output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("connection rate exceeded", (await ConnectAsync("wrong-again")).Output, StringComparison.OrdinalIgnoreCase); // not checked
        var again = await ConnectAsync("t1-secret");

        // Within the back-off the right password is recognised only from the keyed hash of the one verified before.
        Assert.Equal(cacheSeconds > 0, again.ExitCode == 0);
        Assert.Equal(1, policy.Refusals.Count(RefusalReason.BadCredentials));
        Assert.Equal(cacheSeconds > 0 ? 1 : 2, policy.Refusals.Count(RefusalReason.PasswordBackoff));
    }

    private TerminalAccessPolicy Policy(int cacheSeconds = 600) => new(
        new MqttOptions { PasswordFile = "passwd", IdentitiesFile = "identities", RefusalLogIntervalSeconds = 3600, BrokerPasswordCacheSeconds = cacheSeconds },
        TestBroker.Root,
        IdentityMap.Parse(["terminal store-1/t1"], "test"),
        PasswordFile.Parse([PasswordFile.Line("store-1/t1", PasswordHash.Create("t1-secret"))], "test"), // the full 10,000 rounds
        null,
        new BrokerRefusals(_policyMeters),
        _policyLogs.CreateLogger("policy"),
        _policyTime); // frozen: a back-off lasts the whole test, however slowly the machine runs it
}
