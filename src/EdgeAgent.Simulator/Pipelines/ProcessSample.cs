using System.Diagnostics;

namespace EdgeAgent.Simulator.Pipelines;

/// <summary>A process's CPU time (user and system) and resident set at one moment; on Linux .NET reads both from /proc.</summary>
public readonly record struct ProcessSample(TimeSpan Cpu, long ResidentBytes)
{
    public static ProcessSample Of(Process process)
    {
        try
        {
            process.Refresh();
            return new ProcessSample(process.TotalProcessorTime, process.WorkingSet64);
        }
        catch (InvalidOperationException)
        {
            // The process has exited: nothing more to count.
            return default;
        }
    }

    public static ProcessSample Self()
    {
        using var self = Process.GetCurrentProcess();
        return Of(self);
    }
}
