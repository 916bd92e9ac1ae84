namespace EdgeAgent.Fleet.Tests.Infrastructure;

/// <summary>
/// One cluster for all cluster tests: starting three silos is most of the suite's time. The kill test leaves two
/// silos running and waits until membership says so, so the tests after it run on a healthy two-silo cluster.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FleetClusterCollection : ICollectionFixture<FleetCluster>
{
    public const string Name = "fleet cluster";
}
