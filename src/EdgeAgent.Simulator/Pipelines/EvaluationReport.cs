using System.Globalization;
using System.Text;

namespace EdgeAgent.Simulator.Pipelines;

/// <summary>The evaluation's Markdown report: the guide's table with this machine's figures beside its ranges, the score check, the steps and the ablation.</summary>
public sealed class EvaluationReport
{
    public const string FileName = "report.md";

    public required MachineDescription Machine { get; init; }

    public required string Command { get; init; }

    public required EvaluationOptions Options { get; init; }

    public required IReadOnlyList<ArchitectureResult> Results { get; init; }

    public required IReadOnlyList<ScoreCheck> ScoreChecks { get; init; }

    public required IReadOnlyList<AblationResult> Ablation { get; init; }

    public required DateTimeOffset Started { get; init; }

    public required TimeSpan Duration { get; init; }

    public required string LoadAverageAtEnd { get; init; }

    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Batch, stream and edge pipelines on one machine").AppendLine();
        md.AppendLine(c, $"Run of {Started:yyyy-MM-dd HH:mm} UTC, {Duration.TotalMinutes:0.0} minutes{(Options.Quick ? ", **quick mode** (a check, not a measurement)" : "")}.").AppendLine();
        md.AppendLine(c, $"**Machine**: {Machine}. Load average (1, 5, 15 min) {Machine.LoadAverage} at the start and {LoadAverageAtEnd} at the end: a figure above zero before the run is other work on the same cores. Every part runs here: the terminals (the load generator), the link and the agent share the cores.").AppendLine();
        md.AppendLine("**Command**:").AppendLine().AppendLine("```sh").AppendLine(Command).AppendLine("```").AppendLine();
        md.AppendLine("Every pipeline is the same agent build, model (`fraud-gbt-1.0.0`, ONNX Runtime CPU provider), features and tokenization key, started fresh:").AppendLine();
        foreach (var r in Results)
        {
            md.AppendLine(c, $"- **{r.Architecture.Name}**: {r.Architecture.Path}.");
        }

        md.AppendLine();
        md.AppendLine("The stream and batch links are a TCP relay on loopback (`EdgeAgent.Simulator link`, a process of its own), not `tc netem` in network namespaces: it delays each direction's bytes in order, as TCP delivers them, with a jitter redrawn every 100 ms; a loss is modelled as the retransmission it causes (the segment, and everything behind it on that connection, one more round trip late, as TCP's fast retransmission would deliver it). For the batch pipeline it cuts the terminals' stream into MQTT packets and holds the payments (PUBLISH) until the end of their window, letting the session's other packets through.").AppendLine();

        md.AppendLine("## The three architectures").AppendLine();
        md.AppendLine(c, $"Latency from each payment's intended send time to its answer at {Options.ReferenceRate:0}/s offered; sustained throughput, the highest offered rate of the steps ({Options.Rates}/s, {Options.StepSeconds:0.#} s each) whose payments were all answered, at a pace that kept up and without the queue growing (answers per second from the first intended send to the last answer, less the pipeline's own delay, at least nine tenths of the offered rate; the median latency of the step's last third of payments no more than 50 ms plus half the first third's above the first third's; a rate that fails is tried once more); CPU of the pipeline's processes as a share of all {Machine.Cores} cores, at that rate: the agent (the scoring service with its broker) and, for stream and batch, the link that stands for the network or holds the batch (the emulation's own cost, which a real network would not put on these cores), and their resident memory.").AppendLine();
        md.AppendLine("| architecture | latency p50 / p99 / max, ms | guide | sustained throughput | guide | CPU, % of cores; memory | guide | why |");
        md.AppendLine("| --- | ---: | --- | ---: | --- | ---: | --- | --- |");
        foreach (var r in Results)
        {
            var reference = r.Reference;
            var sustained = r.Steps.Where(s => s.Carried).MaxBy(s => s.OfferedRate);
            var latency = reference is null ? "not reached" : $"{F(reference.P50Ms)} / {F(reference.P99Ms)} / {F(reference.MaxMs)}";
            var throughput = sustained is null ? "none carried" : $"{sustained.OfferedRate:#,0}/s{(r.Steps[^1].Carried ? " (the highest step tried)" : "")}";
            var cpu = sustained is null ? "-" : string.Create(c, $"{sustained.PipelineCpuPercent:0} %{(r.Architecture.Link is null ? "" : $" (agent {sustained.AgentCpuPercent:0} + link {sustained.LinkCpuPercent:0})")}, {sustained.PipelineMemoryMiB:0} MiB");
            md.AppendLine(c, $"| {r.Architecture.Name} | {latency} | {r.Architecture.GuideLatency} | {throughput} | {r.Architecture.GuideThroughput} | {cpu} | {r.Architecture.GuideUtilization} | {Why(r)} |");
        }

        md.AppendLine();
        md.AppendLine("The guide's utilization is of a system sized for its load; here it is what the pipeline's processes used of this machine at the highest rate it carried, with the terminals' simulator using a share of the same cores beside it (in the steps below).").AppendLine();

        md.AppendLine("## Same payments, same scores").AppendLine();
        md.AppendLine(c, $"The scoring pass sends the sample's first {Options.ScoringCount:#,0} payments in order over one connection at {Options.ScoringRate:#,0}/s to each fresh pipeline (the agent takes a connection's payments in the order they came), so each builds the same card and merchant histories; the answers' scores are compared by transaction id with the {Results[0].Architecture.Name}'s (answers without a score, the agent's refusals of payments the contract does not accept, must be refusals in every pipeline). The pass gives up only once no answer came for the answer timeout.").AppendLine();
        md.AppendLine("| pipeline | payments | answered | with a score | compared | equal | largest difference | check |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var s in ScoreChecks)
        {
            md.AppendLine(c, $"| {s.Pipeline} | {s.Expected} | {s.Answered} | {s.Scored} | {s.Compared} | {s.Equal} | {s.MaxDifference:0.######} | {(s.Passed ? "same scores" : "**differs**")} |");
        }

        md.AppendLine();
        md.AppendLine("## Steps").AppendLine();
        md.AppendLine("| pipeline | offered /s | carried /s | p50 ms | p99 ms | max ms | answered | kept up /s | median ms, first → last third | agent CPU % | link CPU % | terminals CPU % | memory MiB | carried |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var r in Results)
        {
            foreach (var s in r.Steps)
            {
                md.AppendLine(c, $"| {r.Architecture.Name} | {s.OfferedRate:#,0} | {s.CarriedRate:#,0} | {F(s.P50Ms)} | {F(s.P99Ms)} | {F(s.MaxMs)} | {s.Answered} of {s.Sent} | {s.KeptUpRate:#,0} | {F(s.FirstThirdMedianMs)} → {F(s.LastThirdMedianMs)} | {s.AgentCpuPercent:0.#} | {s.LinkCpuPercent:0.#} | {s.TerminalsCpuPercent:0.#} | {s.PipelineMemoryMiB:0} | {(s.Carried ? "yes" : s.Answered < s.Sent ? "no: unanswered" : s.QueueGrew ? "no: queue grew" : "no: fell behind")}{(s.Retried ? " (second try)" : "")} |");
            }
        }

        md.AppendLine();
        md.AppendLine("Carried answers per second run from the first intended send to the last answer, so the batch pipeline's figure is lowered by its last window's wait.").AppendLine();
        md.AppendLine(c, $"![latency distributions]({PipelineCharts.Latency}) ![throughput against offered load]({PipelineCharts.Throughput}) ![CPU against offered load]({PipelineCharts.Cpu})").AppendLine();

        AppendAblation(md);
        return md.ToString();
    }

    private void AppendAblation(StringBuilder md)
    {
        var c = CultureInfo.InvariantCulture;
        md.AppendLine("## Ablation on the edge pipeline").AppendLine();
        if (Ablation.Count == 0)
        {
            md.AppendLine("Not run (`--Evaluation:Ablation=false`).");
            return;
        }

        md.AppendLine(c, $"Each variant is a fresh edge agent: warmed, then {Options.AblationSeconds:0.#} s open loop at {Options.AblationRate:0}/s (latency), then {Options.AblationCapacityCount:#,0} payments closed loop with {Options.AblationConcurrency} outstanding (capacity). Deltas are against the shipped agent of the same run, or the variant named. The pre-redesign build is the agent as it was before its hot path was rebuilt, whole: besides more hand-offs between loops it scores with its own model and feature schema (`fraud-features/2`), so its row measures the older agent, not the hops alone.").AppendLine();
        md.AppendLine("| variant | settings | p50 ms | p99 ms | capacity /s | agent CPU % at the latency rate | against | Δ p50 | Δ p99 | Δ capacity |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |");
        foreach (var a in Ablation)
        {
            if (a.NotRun is not null || a.Latency is null)
            {
                md.AppendLine(c, $"| {a.Variant} | `{a.Settings}` | not run: {a.NotRun} | | | | | | | |");
                continue;
            }

            var baseline = Ablation.FirstOrDefault(b => b.Variant == a.Against && b.Latency is not null);
            var against = ReferenceEquals(baseline, a) ? "" : a.Against;
            md.AppendLine(c, $"| {a.Variant} | `{a.Settings}` | {F(a.Latency.P50Ms)} | {F(a.Latency.P99Ms)} | {a.Capacity:#,0} | {a.Latency.AgentCpuPercent:0.#} | {against} | {Delta(a.Latency.P50Ms, baseline?.Latency?.P50Ms)} | {Delta(a.Latency.P99Ms, baseline?.Latency?.P99Ms)} | {Delta(a.Capacity ?? 0, baseline?.Capacity)} |");
        }

        md.AppendLine();
        md.AppendLine("A negative latency delta or a positive capacity delta means the variant did better than the agent as shipped; one run on a shared machine, so differences of a few percent are noise.");
    }

    private string Why(ArchitectureResult r)
    {
        var c = CultureInfo.InvariantCulture;
        var last = r.Steps[^1];
        var limit = last.Carried
            ? "the highest step tried was carried, so its ceiling lies above it"
            : string.Create(c, $"at {last.OfferedRate:#,0}/s {(last.Answered < last.Sent ? "payments went unanswered" : last.QueueGrew ? "the queue grew" : "it fell behind")}, with the pipeline at {last.PipelineCpuPercent:0} % and the terminals at {last.TerminalsCpuPercent:0} % of the cores");
        var reason = r.Architecture.Name switch
        {
            "edge" => $"Terminals reach the agent's own broker over loopback, so latency is the pipeline's work alone (features, model, answer; the record delays only the acknowledgement, and a connection's later payments are read and answered meanwhile, up to its Receive Maximum, so a flush stall holds back PUBACKs, not answers) and its tail is the wait for one of {Machine.Cores} shared cores or for the device; {limit}",
            "stream" => string.Create(c, $"The same agent plus the link: {Options.RoundTripMilliseconds:0} ms round trip with jitter on every payment, and an extra round trip behind each of the {Options.LossPercent:0.##} % of segments lost (the tail); the service's ceiling is the edge's, on cores it shares with the relay: {limit}"),
            "batch" => string.Create(c, $"A payment waits for the end of its {Options.BatchSeconds:0.##} s window (half of it on average, all of it at worst), then for its window's scoring, so latency follows the period (the guide's is a longer job's) and throughput is the agent's, in bursts: {limit}"),
            _ => limit,
        };
        var sustained = r.Steps.Where(s => s.Carried).MaxBy(s => s.OfferedRate);
        var guide = r.Reference is null || sustained is null
            ? ""
            : $" Against the guide: latency {r.Architecture.GuideLatency.Place(r.Reference.P50Ms)}, throughput {r.Architecture.GuideThroughput.Place(sustained.OfferedRate)}, CPU {r.Architecture.GuideUtilization.Place(sustained.PipelineCpuPercent)} its range.";
        return reason + "." + guide;
    }

    private static string F(double ms) => double.IsNaN(ms) ? "-" : ms.ToString(ms < 10 ? "0.00" : "#,0", CultureInfo.InvariantCulture);

    private static string Delta(double value, double? baseline) =>
        baseline is { } b && b > 0 ? ((value - b) / b).ToString("+0%;-0%;0%", CultureInfo.InvariantCulture) : "-";
}
