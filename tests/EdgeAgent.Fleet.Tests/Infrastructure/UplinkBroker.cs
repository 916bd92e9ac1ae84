using System.Globalization;

namespace EdgeAgent.Fleet.Tests.Infrastructure;

/// <summary>
/// A real mosquitto as the uplink broker, as a fleet would run it: no anonymous clients, one user per store, and a
/// per-user ACL that lets a store publish only under its own topics (deltas, fetches, its cloud telemetry) and read only its own profiles. It can be stopped
/// and started again on the same port (the uplink cut and restored).
/// </summary>
internal sealed class UplinkBroker : IAsyncDisposable
{
    public const string Root = "edgeagent/fleet";
    public const string FleetUser = "fleet";

    /// <summary>The agents' cloud topics (<c>edgeagent/{store}/metrics</c> and the rest): each store writes only its own.</summary>
    public const string TelemetryRoot = "edgeagent";

    private readonly string _directory;
    private ChildProcess? _process;

    private UplinkBroker(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>
    /// The TLS listener's port (0 when started without one): the broker presents a certificate of the authority it was
    /// started with, asks every client for one of the same authority and takes the certificate's name as the login,
    /// under the same ACL. The production shape: a store proves who it is with its certificate, not a password.
    /// </summary>
    public int TlsPort { get; private set; }

    /// <summary>The authority of <see cref="TlsPort"/>'s certificates, or null.</summary>
    public SiloCertificates? Authority { get; private set; }

    public static string PasswordOf(string user) => "pw-" + user;

    public static async Task<UplinkBroker> StartAsync(IEnumerable<string> users, bool withTls = false)
    {
        var directory = Path.Combine(Path.GetTempPath(), "edgeagent-uplink-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var broker = new UplinkBroker(directory, FreePort.Next());
        var passwords = Path.Combine(directory, "passwd");
        foreach (var user in users.Append(FleetUser))
        {
            using var passwd = new ChildProcess("mosquitto_passwd", [.. File.Exists(passwords) ? Array.Empty<string>() : ["-c"], "-b", passwords, user, PasswordOf(user)], directory);
            if (!await passwd.WaitForExitAsync(TimeSpan.FromSeconds(30)) || passwd.ExitCode != 0)
            {
                throw new InvalidOperationException("mosquitto_passwd failed: " + passwd.Output);
            }
        }

        File.WriteAllText(Path.Combine(directory, "acl"), $"""
            user {FleetUser}
            topic read {Root}/+/deltas
            topic read {Root}/+/fetch
            topic write {Root}/+/profiles
            topic write {Root}/+/receipts
            topic read {TelemetryRoot}/+/metrics
            topic read {TelemetryRoot}/+/reported
            topic write {TelemetryRoot}/+/desired

            pattern write {Root}/%u/deltas
            pattern write {Root}/%u/fetch
            pattern read {Root}/%u/profiles
            pattern read {Root}/%u/receipts
            pattern write {TelemetryRoot}/%u/+
            pattern read {TelemetryRoot}/%u/desired
            pattern read {TelemetryRoot}/%u/methods/+

            """);
        var tls = "";
        if (withTls)
        {
            broker.Authority = SiloCertificates.Create(Path.Combine(directory, "tls"), "fleet-uplink-authority");
            var (certificate, key) = broker.Authority.Issue("uplink", System.Net.IPAddress.Loopback);
            broker.TlsPort = FreePort.Next();
            tls = $"""
                listener {broker.TlsPort.ToString(CultureInfo.InvariantCulture)} 127.0.0.1
                cafile {broker.Authority.AuthorityFile}
                certfile {certificate}
                keyfile {key}
                require_certificate true
                use_identity_as_username true

                """;
        }

        File.WriteAllText(Path.Combine(directory, "mosquitto.conf"), $"""
            listener {broker.Port.ToString(CultureInfo.InvariantCulture)} 127.0.0.1
            allow_anonymous false
            password_file {passwords}
            acl_file {Path.Combine(directory, "acl")}
            persistence false
            max_queued_messages 100000
            {tls}
            """);
        await broker.StartAgainAsync();
        return broker;
    }

    /// <summary>Starts mosquitto (again) on the same port.</summary>
    public async Task StartAgainAsync()
    {
        _process?.Dispose();
        _process = new ChildProcess("mosquitto", ["-c", Path.Combine(_directory, "mosquitto.conf")], _directory);
        try
        {
            await FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(30));
            if (TlsPort != 0)
            {
                await FreePort.WaitUntilListeningAsync(TlsPort, TimeSpan.FromSeconds(30));
            }
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException("mosquitto did not start:\n" + _process.Output, ex);
        }
    }

    /// <summary>Kills mosquitto with SIGKILL: every connection drops at once.</summary>
    public void Cut() => _process?.Kill();

    public ValueTask DisposeAsync()
    {
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }
}
