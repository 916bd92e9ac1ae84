using System.Globalization;
using System.Runtime.InteropServices;

namespace EdgeAgent.Simulator.Pipelines;

/// <summary>The machine a run measured: figures mean nothing without it. Read from /proc on Linux.</summary>
public sealed record MachineDescription(string Cpu, int Cores, double MemoryGiB, string Os, string Runtime, string LoadAverage)
{
    public static MachineDescription Current() => new(
        Field("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Environment.ProcessorCount,
        MemoryKiB() / (1024.0 * 1024),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        LoadAverageNow());

    /// <summary>The 1, 5 and 15 minute load averages: on a shared machine, what else was running.</summary>
    public static string LoadAverageNow() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Cpu}, {Cores} cores visible, {MemoryGiB:0.#} GiB; {Os}; {Runtime}");

    private static double MemoryKiB()
    {
        var total = Field("/proc/meminfo", "MemTotal");
        return total is null ? 0 : double.Parse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
    }

    private static string? Field(string file, string name)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        var line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        return line is not null && line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? line[(colon + 1)..].Trim() : null;
    }
}
