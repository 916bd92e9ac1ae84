using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace EdgeAgent.Training.Evaluation;

/// <summary>The machine a speed measurement ran on; speeds mean nothing without it.</summary>
public sealed record MachineInfo(string Cpu, int LogicalCores, string Os, string Runtime, string OnnxRuntime)
{
    public static MachineInfo Current() => new(
        CpuModel(),
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        OrtEnv.Instance().GetVersionString());

    public override string ToString() =>
        $"{Cpu}, {LogicalCores} logical cores visible to the process; {Os}; {Runtime}; ONNX Runtime {OnnxRuntime} (CPU execution provider)";

    /// <summary>The first <c>model name</c> of /proc/cpuinfo (Linux); elsewhere the architecture.</summary>
    private static string CpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (File.Exists(cpuInfo))
        {
            var line = File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null && line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
