using EdgeAgent.Fleet.Tests.Infrastructure;

namespace EdgeAgent.Fleet.Tests;

/// <summary>The fleet program as an operator starts it.</summary>
public sealed class FleetProgramTests
{
    [Theory]
    [InlineData("--Fleet:MaxBatchDeltas=0", "MaxBatchDeltas")]
    [InlineData("--Fleet:RedisConnectionString=", "RedisConnectionString")]
    [InlineData("--Fleet:MaxFutureSkew=02:00:00", "MaxFutureSkew")]
    [InlineData("--Fleet:AdvertisedAddress=silo-0", "AdvertisedAddress")]
    [InlineData("--Fleet:AdvertisedAddress=10.0.0.5", "without TLS")]
    [InlineData("--Fleet:SiloCertificateFile=/nonexistent/silo.crt", "SiloKeyFile")]
    [InlineData("--Fleet:UplinkHost=127.0.0.1", "KnownStores")]
    [InlineData("--Fleet:UplinkHost=127.0.0.1", "KeyFingerprints")]
    [InlineData("--Fleet:RolloutSharePercent=100", "RolloutSharePercent")]
    [InlineData("--Fleet:RolloutSoak=00:00:00", "RolloutSoak")]
    [InlineData("--Fleet:DesiredTopic=edgeagent/desired", "DesiredTopic")]
    [InlineData("--Fleet:ControlKeysFolder=/nonexistent/control-keys", "ControlKeysFolder")]
    public async Task A_bad_setting_stops_the_silo_at_start_with_exit_code_3_naming_it(string setting, string named)
    {
        using var silo = new ChildProcess(
            "dotnet",
            [FleetCluster.FleetDll(), "--Fleet:RedisConnectionString=127.0.0.1:1", setting],
            AppContext.BaseDirectory);

        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the silo did not stop:\n" + silo.Output);
        Assert.Equal(3, silo.ExitCode);
        Assert.Contains(named, silo.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Fleet:UplinkTrustedCertificatesPath=/nonexistent/uplink-ca.crt", "/nonexistent/uplink-ca.crt")]
    [InlineData("--Fleet:UplinkUseTls=false", "not a loopback address and UplinkUseTls is false")]
    public async Task An_uplink_beyond_loopback_in_clear_or_with_a_missing_TLS_file_stops_the_silo_at_start(string setting, string named)
    {
        using var silo = new ChildProcess(
            "dotnet",
            [FleetCluster.FleetDll(), "--Fleet:RedisConnectionString=127.0.0.1:1", "--Fleet:UplinkHost=10.20.0.5", setting],
            AppContext.BaseDirectory);

        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the silo did not stop:\n" + silo.Output);
        Assert.Equal(3, silo.ExitCode);
        Assert.Contains(named, silo.Output, StringComparison.Ordinal);
    }
}
