using System.Globalization;
using System.Security.Cryptography;
using EdgeAgent.Core.Tokenization;

namespace EdgeAgent.Fleet.Tests.Infrastructure;

/// <summary>
/// A fleet behind its uplink: a mosquitto with one user per store and a per-user ACL, and a cluster of three silo
/// processes that read the stores' deltas from it through one shared subscription, over TLS with the fleet's
/// certificate (stores connect with a password on the plain port, or with their certificate on the TLS port).
/// </summary>
public sealed class FleetLinkCluster : IAsyncLifetime
{
    public static readonly string[] Stores = ["store-a", "store-b", "store-c", "store-d"];

    /// <summary>A store the broker knows (it has a login) but the fleet does not.</summary>
    public const string StrangerStore = "store-z";

    /// <summary>The fleet's tokenization key: every store and the fleet's check agree on it.</summary>
    public static readonly byte[] FleetKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>The key a rotation moves the fleet to (id <c>k2</c>, <see cref="FleetKey"/> being <c>k1</c>); the fleet lists both.</summary>
    public static readonly byte[] RotationKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>The fleet API's bearer token.</summary>
    public static readonly string ApiToken = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The agents' snapshot interval in the view tests, and the silos' idea of it.</summary>
    public static readonly TimeSpan SnapshotInterval = TimeSpan.FromSeconds(1);

    /// <summary>A store is offline after this many intervals without a snapshot.</summary>
    public const int OfflineAfterIntervals = 3;

    /// <summary>How often the fleet page reloads the view.</summary>
    public static readonly TimeSpan PageRefresh = TimeSpan.FromSeconds(1);

    private readonly string _tokenFile = Path.Combine(Path.GetTempPath(), "edgeagent-fleet-token-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly List<int> _httpPorts = [];
    private UplinkBroker? _broker;

    public FleetCluster Cluster { get; private set; } = null!;

    public int BrokerPort => _broker!.Port;

    internal UplinkBroker Broker => _broker!;

    public static string FleetKeyFingerprint => KeyFingerprint.Of(FleetKey);

    public static string RotationKeyFingerprint => KeyFingerprint.Of(RotationKey);

    /// <summary>The file holding <see cref="ApiToken"/>, as the silos read it.</summary>
    public string ApiTokenFile => _tokenFile;

    /// <summary>Each silo's HTTP endpoint, in the order the silos were started.</summary>
    public IReadOnlyList<Uri> HttpEndpoints => _httpPorts.Select(p => new Uri($"http://127.0.0.1:{p}")).ToList();

    /// <summary>The HTTP endpoints of the silos still running (a test of the collection may have killed one).</summary>
    public IReadOnlyList<Uri> LiveHttpEndpoints => HttpEndpoints.Where((_, i) => Cluster.SiloRunning(i)).ToList();

    public async Task InitializeAsync()
    {
        File.WriteAllText(_tokenFile, ApiToken);
        _broker = await UplinkBroker.StartAsync([.. Stores, StrangerStore], withTls: true);
        var (fleetCertificate, fleetKey) = _broker.Authority!.Issue(UplinkBroker.FleetUser);
        Cluster = new FleetCluster(() =>
        [
            // Each of these silos also runs the uplink and an HTTP endpoint: on a loaded machine a joining silo missed
            // two 1 s probes and was voted dead before the cluster formed. Dead-silo detection here takes seconds
            // longer than in the plain cluster, well within the link tests' patience.
            "--Orleans:Membership:ProbeTimeout=00:00:02",
            "--Orleans:Membership:NumMissedProbesLimit=3",
            "--Fleet:HttpPort=" + NextHttpPort(),
            "--Fleet:ApiTokenFile=" + _tokenFile,
            "--Fleet:SnapshotInterval=" + SnapshotInterval.ToString("c", CultureInfo.InvariantCulture),
            "--Fleet:OfflineAfterIntervals=" + OfflineAfterIntervals.ToString(CultureInfo.InvariantCulture),
            "--Fleet:PageRefresh=" + PageRefresh.ToString("c", CultureInfo.InvariantCulture),
            "--Fleet:UplinkHost=127.0.0.1",

            // The silos read the uplink as production does: over TLS, logged in by their certificate.
            "--Fleet:UplinkPort=" + _broker.TlsPort.ToString(CultureInfo.InvariantCulture),
            "--Fleet:UplinkTrustedCertificatesPath=" + _broker.Authority.AuthorityFile,
            "--Fleet:UplinkCertificatePath=" + fleetCertificate,
            "--Fleet:UplinkCertificateKeyPath=" + fleetKey,
            "--Fleet:MaxUplinkMessageBytes=65536",
            "--Fleet:KeyFingerprints:0=" + FleetKeyFingerprint,
            "--Fleet:KeyFingerprints:1=" + RotationKeyFingerprint,
            .. Stores.Select((s, i) => $"--Fleet:KnownStores:{i}={s}"),
        ]);
        await Cluster.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        File.Delete(_tokenFile);
        await Cluster.DisposeAsync();
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    private string NextHttpPort()
    {
        var port = FreePort.Next();
        _httpPorts.Add(port);
        return port.ToString(CultureInfo.InvariantCulture);
    }
}

[CollectionDefinition(Name)]
public sealed class FleetLinkCollection : ICollectionFixture<FleetLinkCluster>
{
    public const string Name = "fleet link";
}
