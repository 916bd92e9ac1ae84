namespace EdgeAgent.IntegrationTests.Infrastructure;

/// <summary>
/// Tests that read the process's own memory (<c>/proc/self/smaps</c>, <c>RssAnon</c>) before and after a step: run alone,
/// after the parallel classes, because other tests change it in between (every model load lets go of ONNX Runtime's code
/// pages and trims the C heap; every test allocates).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMemoryCollection
{
    public const string Name = "ProcessMemory";
}
