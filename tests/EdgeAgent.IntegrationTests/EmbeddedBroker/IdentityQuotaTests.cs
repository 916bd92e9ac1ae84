using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Security;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>
/// One identity may use many client ids (<c>{name}:{anything}</c>), but only a few sessions and connections at once:
/// beyond them its CONNECT gets CONNACK 0x97 (Quota exceeded), and other identities are not affected.
/// </summary>
public sealed class IdentityQuotaTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TestMeterFactory _policyMeters = new();

    public void Dispose() => _policyMeters.Dispose();

    [Fact]
    public async Task SessionsBeyondTheQuotaOfOneIdentity_GetConnack0x97_WhileItsOwnSessionsAndOtherTerminalsConnect()
    {
        await using var broker = await TestBroker.StartAsync(o =>
        {
            o.BrokerMaxSessionsPerIdentity = 2;
            o.BrokerMaxSessions = 3;
        }, access: Access());

        // t2's session is the oldest disconnected one: the one the broker-wide sweep would evict first.
        Assert.Equal(0, (await LeaveSessionAsync(broker, "store-1/t2", "store-1/t2", "t2-secret")).ExitCode);
        Assert.Equal(0, (await LeaveSessionAsync(broker, "store-1/t1", "store-1/t1:a", "t1-secret")).ExitCode);
        Assert.Equal(0, (await LeaveSessionAsync(broker, "store-1/t1", "store-1/t1:b", "t1-secret")).ExitCode);
        for (var i = 0; i < 5; i++)
        {
            var refused = await LeaveSessionAsync(broker, "store-1/t1", $"store-1/t1:flood-{i}", "t1-secret");
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("quota exceeded", refused.Output, StringComparison.OrdinalIgnoreCase);
        }

        // MQTT 3.1.1 has no quota code: "server unavailable" tells such a client to come back later.
        var old = await ExternalClients.RunAsync(ExternalClients.MosquittoSub,
            ["-V", "311", "-h", "127.0.0.1", "-p", broker.Port.ToString(), "-u", "store-1/t1", "-P", "t1-secret", "-i", "store-1/t1:old", "-c", "-q", "1",
             "-t", "pos/store-1/t1/decisions", "-E"], Patience);
        Assert.NotEqual(0, old.ExitCode);
        Assert.Contains("unavailable", old.Output, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(6, broker.Metrics.Refusals("identity_session_limit"));
        Assert.Equal(0, (await LeaveSessionAsync(broker, "store-1/t1", "store-1/t1:a", "t1-secret")).ExitCode); // its own session: no new place
        var sessions = (await broker.Ingest.Server.GetSessionsAsync()).Select(s => s.Id).Order().ToList();
        Assert.Equal(["store-1/t1:a", "store-1/t1:b", "store-1/t2"], sessions);
        Assert.Equal(0, broker.Metrics.Total("edgeagent.broker.sessions.removed", "evicted"));
    }

    [Fact]
    public async Task ConnectionsBeyondTheQuotaOfOneIdentity_GetConnack0x97()
    {
        await using var broker = await TestBroker.StartAsync(o => o.BrokerMaxConnectionsPerIdentity = 2, access: Access());
        var open = new List<System.Diagnostics.Process>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                open.Add(ExternalClients.Start(ExternalClients.MosquittoSub, Subscriber(broker, "store-1/t1", $"store-1/t1:c{i}", "t1-secret")));
            }

            await Eventually.TrueAsync(async () => (await broker.Ingest.Server.GetClientsAsync()).Count == 2, "both connections are in", Patience);
            var refused = await ExternalClients.RunAsync(ExternalClients.MosquittoSub,
                [.. Subscriber(broker, "store-1/t1", "store-1/t1:c2", "t1-secret"), "-E"], Patience);

            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("quota exceeded", refused.Output, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(1, broker.Metrics.Refusals("identity_connection_limit"));
            Assert.Equal(0, (await ExternalClients.RunAsync(ExternalClients.MosquittoSub,
                [.. Subscriber(broker, "store-1/t2", "store-1/t2", "t2-secret"), "-E"], Patience)).ExitCode);

            // One leaves: its place is free again.
            open[0].Kill();
            await open[0].WaitForExitAsync();
            await Eventually.TrueAsync(async () =>
                (await ExternalClients.RunAsync(ExternalClients.MosquittoSub, [.. Subscriber(broker, "store-1/t1", "store-1/t1:c2", "t1-secret"), "-E"], Patience)).ExitCode == 0,
                "a place was given back", Patience);
        }
        finally
        {
            foreach (var process in open.Where(p => !p.HasExited))
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }
    }

    private static string[] Subscriber(TestBroker broker, string user, string clientId, string password) =>
        ["-V", "5", "-h", "127.0.0.1", "-p", broker.Port.ToString(), "-u", user, "-P", password, "-i", clientId, "-q", "1", "-t", $"pos/{user}/decisions"];

    /// <summary>Connects with a persistent session (MQTT 5, one hour), subscribes, and leaves: the session stays.</summary>
    private static Task<(int ExitCode, string Output)> LeaveSessionAsync(TestBroker broker, string user, string clientId, string password) =>
        ExternalClients.RunAsync(ExternalClients.MosquittoSub, [.. Subscriber(broker, user, clientId, password), "-c", "-x", "3600", "-E"], Patience);

    private PolicyBrokerAccess Access()
    {
        var policy = new TerminalAccessPolicy(
            new MqttOptions { PasswordFile = "passwd", IdentitiesFile = "identities" },
            TestBroker.Root,
            IdentityMap.Parse(["terminal store-1/t1", "terminal store-1/t2"], "test"),
            PasswordFile.Parse([PasswordFile.Line("store-1/t1", PasswordHash.Create("t1-secret", 1000)), PasswordFile.Line("store-1/t2", PasswordHash.Create("t2-secret", 1000))], "test"),
            null,
            new BrokerRefusals(_policyMeters));
        return new PolicyBrokerAccess(policy, TestBroker.Root);
    }
}
