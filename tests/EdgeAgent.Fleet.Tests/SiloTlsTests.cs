using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Hosting;
using EdgeAgent.Fleet.Tests.Infrastructure;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace EdgeAgent.Fleet.Tests;

/// <summary>
/// The silos talk mutual TLS under the fleet's own authority (the shared cluster runs so for every cluster test): a
/// silo or client without a certificate the authority signed cannot join, read or write.
/// </summary>
[Collection(FleetClusterCollection.Name)]
public sealed class SiloTlsTests(FleetCluster cluster, ITestOutputHelper output)
{
    [Theory]
    [InlineData("another authority")]
    [InlineData("no TLS")]
    public async Task A_silo_without_a_certificate_of_the_fleet_authority_cannot_join_and_the_cluster_serves_on(string rogue)
    {
        await cluster.WaitForActiveSilosAsync(cluster.RunningSilos, TimeSpan.FromSeconds(60));
        var active = cluster.RunningSilos;
        using var folder = new TempDirectory();
        string[] tls = rogue == "no TLS"
            ? ["--Fleet:SiloCertificateFile=", "--Fleet:SiloKeyFile=", "--Fleet:SiloAuthorityFile="]
            : SiloCertificates.Create(folder.Path, "rogue-authority").SiloArguments("rogue-silo");
        var arguments = cluster.SiloArguments();
        var port = int.Parse(arguments.Single(a => a.StartsWith("--Fleet:SiloPort=", StringComparison.Ordinal)).Split('=')[1], CultureInfo.InvariantCulture);

        // A joining silo gives up when it cannot reach every active silo within this time, and its start fails.
        using var silo = new ChildProcess(
            "dotnet",
            [.. arguments, .. tls, "--Orleans:Membership:MaxJoinAttemptTime=00:00:15"],
            AppContext.BaseDirectory);

        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(120)), "the rogue silo still runs:\n" + silo.Output);
        output.WriteLine(silo.Output);
        Assert.NotEqual(0, silo.ExitCode);

        var hosts = await cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: false);
        Assert.DoesNotContain(hosts, h => h.Key.Endpoint.Port == port && h.Value == SiloStatus.Active);
        Assert.Equal(active, hosts.Count(h => h.Value == SiloStatus.Active));

        // The cluster still serves: a card written through one silo's gateway is read back. A call may time out while the
        // membership settles after the refused join on busy cores; it is sent again as an agent would, and the grain
        // counts each payment once whatever the number of tries.
        var card = "tok-tls-" + Guid.NewGuid().ToString("N");
        var batch = TestPayments.Generate(new Random(3), [card], ["store-a"], perCardPerStore: 2, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var accepted = 0;
        var attempts = 0;
        for (var attempt = 1; ; attempt++)
        {
            attempts = attempt;
            try
            {
                accepted += (await cluster.Client.GetGrain<ICardProfileGrain>(card).RecordAsync("store-a", [.. batch.Select(p => p.Delta)])).Accepted;
                break;
            }
            catch (TimeoutException ex) when (attempt < 6)
            {
                output.WriteLine($"write {attempt} timed out: {ex.Message}");
            }
        }

        // Written once, the two payments are new; written again, a try that timed out may have taken them already.
        Assert.InRange(accepted, attempts == 1 ? 2 : 0, 2);
        Assert.Equal(2, (await cluster.Client.GetGrain<ICardProfileGrain>(card).ReadExcludingAsync("store-none")).Payments.Count);
    }

    [Fact]
    public async Task A_silo_port_completes_TLS_only_for_a_certificate_of_the_fleet_authority()
    {
        var index = Enumerable.Range(0, 16).First(cluster.SiloRunning);
        var port = cluster.SiloPort(index);
        var fleet = cluster.Certificates;
        var (certificate, key) = fleet.Issue("probe");
        var tls = SiloTls.Load(certificate, key, fleet.AuthorityFile);

        // A certificate of the fleet's authority: the silo completes the handshake and shows a certificate of the same authority.
        await using (var stream = await HandshakeAsync(port, tls.Certificate, tls))
        {
            Assert.True(stream.IsMutuallyAuthenticated);
            Assert.True(tls.IsSignedByAuthority(new X509Certificate2(stream.RemoteCertificate!), SslPolicyErrors.None));
        }

        // Another authority's certificate, or none: the silo ends the connection.
        using var other = new TempDirectory();
        var (rogueCertificate, rogueKey) = SiloCertificates.Create(other.Path, "rogue-authority").Issue("rogue");
        using var rogue = X509Certificate2.CreateFromPemFile(rogueCertificate, rogueKey);
        foreach (var presented in new[] { rogue, null })
        {
            var refused = await Record.ExceptionAsync(async () =>
            {
                await using var stream = await HandshakeAsync(port, presented, tls);

                // In TLS 1.3 the server judges the client's certificate after the client's side of the handshake is
                // done: its verdict arrives as an alert on the first read.
                var read = await stream.ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(0, read);
            });
            Assert.True(refused is null or AuthenticationException or IOException, $"unexpected: {refused}");
        }
    }

    private static async Task<SslStream> HandshakeAsync(int port, X509Certificate2? certificate, SiloTls fleet)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "silo",
            ClientCertificates = certificate is null ? null : [certificate],
            RemoteCertificateValidationCallback = (_, presented, _, errors) =>
                presented is not null && fleet.IsSignedByAuthority(new X509Certificate2(presented), errors & ~SslPolicyErrors.RemoteCertificateNameMismatch),
        });
        return stream;
    }
}
