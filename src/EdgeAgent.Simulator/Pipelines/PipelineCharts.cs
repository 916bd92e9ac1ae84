using EdgeAgent.Training.Evaluation;

namespace EdgeAgent.Simulator.Pipelines;

/// <summary>The report's charts, drawn with the same SVG writer as the model evaluation's.</summary>
public static class PipelineCharts
{
    public const string Latency = "latency-distribution.svg";
    public const string Throughput = "throughput-vs-offered.svg";
    public const string Cpu = "cpu-vs-offered.svg";

    public static void Write(string folder, IReadOnlyList<ArchitectureResult> results, double referenceRate)
    {
        var distributions = results.Where(r => r.Reference is { SortedLatenciesMs.Count: > 0 })
            .Select(r => (r.Architecture.Name, (IReadOnlyList<(double X, double Y)>)Cumulative(r.Reference!.SortedLatenciesMs)))
            .ToList();
        var lowest = distributions.SelectMany(d => d.Item2).Select(p => p.X).Where(x => x > 0).DefaultIfEmpty(1).Min();
        var highest = distributions.SelectMany(d => d.Item2).Select(p => p.X).DefaultIfEmpty(10).Max();
        var xMin = Math.Pow(10, Math.Floor(Math.Log10(lowest)));
        var xMax = Math.Pow(10, Math.Ceiling(Math.Log10(Math.Max(highest, xMin * 10))));
        File.WriteAllText(Path.Combine(folder, Latency), SvgChart.Lines(
            $"Latency at {referenceRate:0}/s offered (intended send to answer)", "latency, ms (log)", "share of payments answered",
            distributions, xMin, xMax, 0, 1, logX: true));

        var maxRate = results.SelectMany(r => r.Steps).Select(s => Math.Max(s.OfferedRate, s.CarriedRate)).DefaultIfEmpty(1).Max();
        var carried = results.Select(r => (r.Architecture.Name, (IReadOnlyList<(double X, double Y)>)[.. r.Steps.Select(s => (s.OfferedRate, s.CarriedRate))]))
            .Append(("offered", [(0, 0), (maxRate, maxRate)])).ToList();
        File.WriteAllText(Path.Combine(folder, Throughput), SvgChart.Lines(
            "Answers per second against offered rate", "offered, payments/s", "carried, answers/s", carried, 0, maxRate, 0, maxRate));

        // The agent's CPU per pipeline (the same code everywhere), and apart from it the links', the emulation's own cost.
        var cpu = results.Select(r => ($"{r.Architecture.Name} agent", (IReadOnlyList<(double X, double Y)>)[.. r.Steps.Select(s => (s.OfferedRate, s.AgentCpuPercent))]))
            .Concat(results.Where(r => r.Architecture.Link is not null)
                .Select(r => ($"{r.Architecture.Name} link", (IReadOnlyList<(double X, double Y)>)[.. r.Steps.Select(s => (s.OfferedRate, s.LinkCpuPercent))])))
            .ToList();
        var maxCpu = Math.Max(10, Math.Ceiling(cpu.SelectMany(c => c.Item2).Select(p => p.Y).DefaultIfEmpty(0).Max() / 10) * 10);
        File.WriteAllText(Path.Combine(folder, Cpu), SvgChart.Lines(
            $"CPU against offered rate ({Environment.ProcessorCount} cores = 100 %)", "offered, payments/s", "CPU, % of all cores", cpu, 0, maxRate, 0, maxCpu));
    }

    /// <summary>About 200 points of the empirical distribution: latency against the share of payments answered within it.</summary>
    private static List<(double X, double Y)> Cumulative(IReadOnlyList<double> sorted)
    {
        var points = new List<(double X, double Y)>();
        var step = Math.Max(1, sorted.Count / 200);
        for (var i = 0; i < sorted.Count; i += step)
        {
            points.Add((sorted[i], (i + 1.0) / sorted.Count));
        }

        points.Add((sorted[^1], 1));
        return points;
    }
}
