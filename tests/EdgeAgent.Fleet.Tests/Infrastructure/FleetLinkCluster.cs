using System.Globalization;
using System.Security.Cryptography;
using EdgeAgent.Core.Tokenization;

namespace EdgeAgent.Fleet.Tests.Infrastructure;

/// <summary>
/// A fleet behind its uplink: a mosquitto with one user per store and a per-user ACL, and a cluster of three silo
/// processes that read the stores' deltas from it through one shared subscription.
/// </summary>
public sealed class FleetLinkCluster : IAsyncLifetime
{
    public static readonly string[] Stores = ["store-a", "store-b", "store-c", "store-d"];

    /// <summary>A store the broker knows (it has a login) but the fleet does not.</summary>
    public const string StrangerStore = "store-z";

    /// <summary>The fleet's tokenization key: every store and the fleet's check agree on it.</summary>
    public static readonly byte[] FleetKey = RandomNumberGenerator.GetBytes(32);

    private UplinkBroker? _broker;

    public FleetCluster Cluster { get; private set; } = null!;

    public int BrokerPort => _broker!.Port;

    internal UplinkBroker Broker => _broker!;

    public static string FleetKeyFingerprint => KeyFingerprint.Of(FleetKey);

    public async Task InitializeAsync()
    {
        _broker = await UplinkBroker.StartAsync([.. Stores, StrangerStore]);
        Cluster = new FleetCluster(() =>
        [
            "--Fleet:UplinkHost=127.0.0.1",
            "--Fleet:UplinkPort=" + _broker.Port.ToString(CultureInfo.InvariantCulture),
            "--Fleet:UplinkUsername=" + UplinkBroker.FleetUser,
            "--Fleet:UplinkPassword=" + UplinkBroker.PasswordOf(UplinkBroker.FleetUser),
            "--Fleet:MaxUplinkMessageBytes=65536",
            "--Fleet:KeyFingerprints:0=" + FleetKeyFingerprint,
            .. Stores.Select((s, i) => $"--Fleet:KnownStores:{i}={s}"),
        ]);
        await Cluster.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class FleetLinkCollection : ICollectionFixture<FleetLinkCluster>
{
    public const string Name = "fleet link";
}
