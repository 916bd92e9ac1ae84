using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace EdgeAgent.Fleet.Tests.Infrastructure;

/// <summary>
/// A real fleet cluster: one redis-server (membership and card state), silos as separate processes of the fleet
/// program (<c>dotnet EdgeAgent.Fleet.dll</c>), and an Orleans client connected through their gateways. Every
/// connection between them is mutual TLS under an authority made for the cluster, as a deployed fleet runs.
/// </summary>
public sealed class FleetCluster : IAsyncLifetime
{
    private const int SiloCount = 3;

    private readonly List<ChildProcess> _silos = [];
    private readonly List<(int SiloPort, string[] Arguments)> _siloStarts = [];
    private readonly string _clusterId = "fleet-test-" + Guid.NewGuid().ToString("N")[..8];
    private readonly Func<IEnumerable<string>> _extraArguments;
    private readonly TempDirectory _folder = new();
    private SiloCertificates? _certificates;
    private RedisServer? _redis;
    private IHost? _clientHost;

    public FleetCluster()
        : this(() => [])
    {
    }

    /// <param name="extraArguments">More command-line settings for every silo (the uplink's, for the link tests).</param>
    internal FleetCluster(Func<IEnumerable<string>> extraArguments)
    {
        _extraArguments = extraArguments;
    }

    public IClusterClient Client => _clientHost?.Services.GetRequiredService<IClusterClient>()
        ?? throw new InvalidOperationException("The cluster is not started.");

    public int RunningSilos => _silos.Count(s => !s.HasExited);

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _certificates = SiloCertificates.Create(Path.Combine(_folder.Path, "tls"), "edgeagent-fleet-test-authority");
        for (var i = 0; i < SiloCount; i++)
        {
            _silos.Add(StartSilo(_redis.ConnectionString));
        }

        var client = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        client.UseOrleansClient(c =>
        {
            c.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = _clusterId;
                o.ServiceId = "edgeagent-fleet-test";
            });
            c.UseRedisClustering(_redis.ConnectionString);
            c.Services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(Hosting.FleetWire.Exceptions);
            var (certificate, key) = _certificates.Issue("client");
            var tls = Hosting.SiloTls.Load(certificate, key, _certificates.AuthorityFile);
            c.UseTls(tls.Certificate, tls.Configure);
            c.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            c.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));

            // The silos register in Redis as they come up; until the first does, the client has no gateway.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            c.UseConnectionRetryFilter(async (_, ct) =>
            {
                await Task.Delay(250, ct);
                return DateTime.UtcNow < deadline;
            });
        });
        _clientHost = client.Build();
        await _clientHost.StartAsync();
        await FormAsync(TimeSpan.FromSeconds(180));
    }

    /// <summary>
    /// Waits until every silo started is active. On a loaded machine a starting silo can miss the others' shortened
    /// probes and be voted dead before it ever serves; membership then lists it <see cref="SiloStatus.Dead"/> (and the
    /// process stops itself or idles). That is the signal to start it again with the same settings, rather than a
    /// fixed window to wait in. A silo that dies this way three times fails the fixture.
    /// </summary>
    private async Task FormAsync(TimeSpan timeout)
    {
        const int MaxRestarts = 3;
        var deadline = DateTime.UtcNow + timeout;
        var management = Client.GetGrain<IManagementGrain>(0);
        var restarts = 0;
        var active = -1;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var hosts = await management.GetHosts(onlyActive: false);
                active = hosts.Count(h => h.Value == SiloStatus.Active);
                if (active == _silos.Count && _silos.TrueForAll(s => !s.HasExited))
                {
                    return;
                }

                for (var i = 0; i < _silos.Count; i++)
                {
                    var port = _siloStarts[i].SiloPort;
                    var dead = hosts.Any(h => h.Key.Endpoint.Port == port && h.Value == SiloStatus.Dead)
                        && !hosts.Any(h => h.Key.Endpoint.Port == port && h.Value is SiloStatus.Active or SiloStatus.Joining or SiloStatus.Created);
                    if ((dead || _silos[i].HasExited) && restarts < MaxRestarts)
                    {
                        restarts++;
                        _silos[i].Dispose();
                        _silos[i] = new ChildProcess("dotnet", _siloStarts[i].Arguments, Path.GetDirectoryName(FleetDll())!);
                    }
                }
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                // The management grain may live on a silo that is dying or not yet joined; ask again.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Cluster has {active} active silos, expected {_silos.Count} ({restarts} restarted).\n" + SiloOutput());
    }

    /// <summary>Waits until the cluster's membership lists exactly <paramref name="count"/> active silos.</summary>
    public async Task WaitForActiveSilosAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var management = Client.GetGrain<IManagementGrain>(0);
        var seen = -1;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var hosts = await management.GetHosts(onlyActive: true);
                seen = hosts.Count;
                if (seen == count)
                {
                    return;
                }
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                // The management grain may live on a silo that is dying or not yet joined; ask again.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Cluster has {seen} active silos, expected {count}.\n" + SiloOutput());
    }

    /// <summary>The index of the silo started on <paramref name="siloPort"/>; -1 when none was.</summary>
    public int SiloIndexOf(int siloPort) => _siloStarts.FindIndex(s => s.SiloPort == siloPort);

    /// <summary>Whether silo <paramref name="index"/> still runs.</summary>
    public bool SiloRunning(int index) => !_silos[index].HasExited;

    /// <summary>Kills one silo with SIGKILL: no graceful shutdown, no deactivation, no flush.</summary>
    public void KillSilo(int index) => _silos[index].Kill();

    /// <summary>Starts one more silo into the cluster; returns its index once membership counts it active.</summary>
    public async Task<int> AddSiloAsync(TimeSpan timeout)
    {
        var running = RunningSilos;
        _silos.Add(StartSilo(_redis!.ConnectionString));
        await WaitForActiveSilosAsync(running + 1, timeout);
        return _silos.Count - 1;
    }

    /// <summary>Stops one silo with SIGTERM and waits for it to exit; false when it did not within <paramref name="timeout"/> (it is then killed).</summary>
    public Task<bool> TerminateSiloAsync(int index, TimeSpan timeout)
    {
        _silos[index].Terminate();
        return _silos[index].WaitForExitAsync(timeout);
    }

    /// <summary>The exit code of a silo that has exited.</summary>
    public int SiloExitCode(int index) => _silos[index].ExitCode;

    /// <summary>The cluster's redis-server, to kill and start again.</summary>
    internal RedisServer Redis => _redis ?? throw new InvalidOperationException("The cluster is not started.");

    /// <summary>The cluster's certificate authority, to issue certificates from or to start a silo outside the cluster with.</summary>
    internal SiloCertificates Certificates => _certificates ?? throw new InvalidOperationException("The cluster is not started.");

    /// <summary>The port silo <paramref name="index"/> talks to the other silos on.</summary>
    public int SiloPort(int index) => _siloStarts[index].SiloPort;

    /// <summary>
    /// The command line of a silo of this cluster on fresh ports, for a test to start one of its own (with other TLS
    /// settings after it, which override those given first).
    /// </summary>
    internal string[] SiloArguments() => StartArguments(_redis!.ConnectionString).Arguments;

    /// <summary>The cluster id, for clients of its own.</summary>
    public string ClusterId => _clusterId;

    public string SiloOutput() => string.Join("\n----\n", _silos.Select((s, i) => $"silo {i}:\n{s.Output}"));

    public async Task DisposeAsync()
    {
        if (_clientHost is not null)
        {
            try
            {
                await _clientHost.StopAsync(TimeSpan.FromSeconds(5));
            }
            catch (OperationCanceledException)
            {
            }

            _clientHost.Dispose();
        }

        foreach (var silo in _silos)
        {
            silo.Dispose();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        _folder.Dispose();
    }

    private ChildProcess StartSilo(string redis)
    {
        var (siloPort, arguments) = StartArguments(redis);
        _siloStarts.Add((siloPort, arguments));
        return new ChildProcess("dotnet", arguments, Path.GetDirectoryName(arguments[0])!);
    }

    private (int SiloPort, string[] Arguments) StartArguments(string redis)
    {
        var dll = FleetDll();
        string Port() => FreePort.Next().ToString(CultureInfo.InvariantCulture);
        var siloPort = FreePort.Next();
        string[] arguments =
            [
                dll,
                "--Fleet:RedisConnectionString=" + redis,
                "--Fleet:SiloPort=" + siloPort.ToString(CultureInfo.InvariantCulture),
                "--Fleet:GatewayPort=" + Port(),
                "--Fleet:ClusterId=" + _clusterId,
                "--Fleet:ServiceId=edgeagent-fleet-test",
                "--Orleans:Membership:ProbeTimeout=00:00:01",
                "--Orleans:Membership:NumMissedProbesLimit=2",
                "--Orleans:Membership:TableRefreshTimeout=00:00:02",
                "--Orleans:Messaging:ResponseTimeout=00:00:05",
                "--Serilog:MinimumLevel:Default=Warning",
                "--Fleet:HttpPort=0",
                .. Certificates.SiloArguments("silo-" + siloPort.ToString(CultureInfo.InvariantCulture)),
                .. _extraArguments(),
            ];
        return (siloPort, arguments);
    }

    internal static string FleetDll()
    {
        // The referenced program is copied beside the tests with its runtime config; `dotnet` runs it from there.
        var here = Path.Combine(AppContext.BaseDirectory, "EdgeAgent.Fleet.dll");
        if (File.Exists(here) && File.Exists(Path.Combine(AppContext.BaseDirectory, "EdgeAgent.Fleet.runtimeconfig.json")))
        {
            return here;
        }

        throw new FileNotFoundException("EdgeAgent.Fleet.dll with its runtimeconfig is not beside the tests", here);
    }
}
