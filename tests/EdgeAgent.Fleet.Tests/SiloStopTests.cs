using EdgeAgent.Fleet.Tests.Infrastructure;
using Xunit.Abstractions;

namespace EdgeAgent.Fleet.Tests;

/// <summary>A silo stopped with SIGTERM, as Kubernetes stops a pod: it leaves the cluster and exits 0 promptly.</summary>
[Collection(FleetClusterCollection.Name)]
public sealed class SiloStopTests(FleetCluster cluster, ITestOutputHelper output)
{
    /// <summary>Generous for a quiet machine (a stop takes a few seconds); a pod's default grace period is 30 s.</summary>
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_silo_stopped_with_SIGTERM_exits_0_and_leaves_the_cluster()
    {
        var index = await cluster.AddSiloAsync(TimeSpan.FromSeconds(120));
        var running = cluster.RunningSilos;

        var stopped = await cluster.TerminateSiloAsync(index, StopBound);
        output.WriteLine(cluster.SiloOutput());

        Assert.True(stopped, $"the silo did not exit within {StopBound.TotalSeconds} s of SIGTERM");
        Assert.Equal(0, cluster.SiloExitCode(index));

        // It has left the cluster: membership counts one silo fewer.
        await cluster.WaitForActiveSilosAsync(running - 1, TimeSpan.FromSeconds(30));
    }
}
