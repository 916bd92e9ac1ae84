using System.Diagnostics;

namespace EdgeAgent.Telemetry;

/// <summary>What the agent process costs the node right now: CPU, memory, allocation, garbage collection.</summary>
public sealed record ResourceUsage(
    double CpuSeconds,
    long WorkingSetBytes,
    long ManagedHeapBytes,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    double GcPauseSeconds,
    int ThreadPoolThreads,
    long AllocatedBytes,
    long Gen0BudgetBytes)
{
    public static ResourceUsage Now()
    {
        using var process = Process.GetCurrentProcess();
        return new ResourceUsage(
            process.TotalProcessorTime.TotalSeconds,
            process.WorkingSet64,
            GC.GetTotalMemory(forceFullCollection: false),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            GC.GetTotalPauseDuration().TotalSeconds,
            ThreadPool.ThreadCount,
            // Every byte allocated since start, all threads: the difference over a run divided by its payments is what one costs.
            GC.GetTotalAllocatedBytes(precise: false),
            Gen0Budget);
    }

    /// <summary>
    /// The most the GC lets be allocated between two gen0 collections, as the running GC settled it (the agent's
    /// runtime settings, else what the runtime derived from the processor's cache). It bounds the garbage the youngest
    /// generation holds between collections, a large part of what the heap commits beyond what is live. Settled when the
    /// runtime starts, so read once.
    /// </summary>
    private static readonly long Gen0Budget =
        GC.GetConfigurationVariables().TryGetValue("GCGen0MaxBudget", out var value) ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
}
