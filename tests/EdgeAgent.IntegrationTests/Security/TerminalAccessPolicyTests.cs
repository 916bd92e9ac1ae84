using System.Net;
using System.Text;
using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Security;
using EdgeAgent.Security.Credentials;
using Microsoft.Extensions.Time.Testing;
using MQTTnet.Protocol;

namespace EdgeAgent.IntegrationTests.Security;

/// <summary>The policy the broker tests share: identities, passwords, a store CA, a fake clock and the refusal meter.</summary>
public abstract class TerminalAccessPolicyTests : IDisposable
{
    protected static readonly IPEndPoint Lan = new(IPAddress.Parse("192.168.1.50"), 50_000);
    protected static readonly IPEndPoint Local = new(IPAddress.Loopback, 50_000);

    protected FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);
    internal TestMeterFactory Meters { get; } = new(BrokerRefusals.InstrumentName, "reason");
    protected StoreAuthority Authority { get; }
    protected TerminalIdentity T1 { get; } = new("store-1/t1", TerminalRole.Terminal, "store-1", "t1");
    protected TerminalIdentity Ops { get; } = new("ops", TerminalRole.Operator);

    protected TerminalAccessPolicyTests() => Authority = StoreAuthority.Create("test", TimeSpan.FromDays(30), Time);

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        Authority.Dispose();
        Meters.Dispose();
    }

    protected TerminalAccessPolicy Policy(MqttOptions? options = null) => new(
        options ?? new MqttOptions { BindAddress = "0.0.0.0", ServerCertificatePath = "server.crt", CaPath = "ca.crt", PasswordFile = "passwd", IdentitiesFile = "ids" },
        "pos",
        IdentityMap.Parse(["terminal store-1/t1", "terminal pinpad-7 store-1 t2", "operator ops", "agent edgeagent"], "test"),
        PasswordFile.Parse([PasswordFile.Line("store-1/t1", PasswordHash.Create("t1-secret", 1000)), PasswordFile.Line("ops", PasswordHash.Create("ops-secret", 1000)),
            PasswordFile.Line("ghost", PasswordHash.Create("ghost-secret", 1000))], "test"),
        new ClientCertificateValidator([Authority.Certificate], Time),
        new BrokerRefusals(Meters));

    protected static ConnectRequest Password(string clientId, string user, string password, EndPoint? from = null, bool tls = true) =>
        new(clientId, user, Encoding.UTF8.GetBytes(password), null, from ?? Lan, tls);

    internal void AssertCounted(TerminalAccessPolicy policy, RefusalReason reason, long times = 1)
    {
        Assert.Equal(times, policy.Refusals.Count(reason));
        Assert.Equal(times, Meters.Recorded(reason.Tag()));
    }
}
