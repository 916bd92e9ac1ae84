namespace EdgeAgent.Fleet.Hosting;

/// <summary>Name of the grain storage that holds card profiles.</summary>
public static class FleetStorage
{
    public const string Name = "cards";
}
