namespace EdgeAgent.Simulator.Pipelines;

/// <summary>One offered rate of the step search, or one ablation run: what was carried, how fast, at what cost.</summary>
public sealed record StepResult
{
    public required double OfferedRate { get; init; }

    public required int Sent { get; init; }

    public required int Answered { get; init; }

    /// <summary>Answers per second from the first intended send to the last answer.</summary>
    public required double CarriedRate { get; init; }

    public required double P50Ms { get; init; }

    public required double P99Ms { get; init; }

    public required double MaxMs { get; init; }

    /// <summary>Median latency of the first and the last third of the payments, in send order: a queue that grows shows as a rise.</summary>
    public required double FirstThirdMedianMs { get; init; }

    public required double LastThirdMedianMs { get; init; }

    /// <summary>Seconds from the first intended send to the last answer.</summary>
    public double SpanSeconds { get; init; }

    /// <summary>
    /// Answers per second over the span less the pipeline's own delay (the first third's median latency): what the
    /// pipeline kept up with, whatever its latency. A pipeline that falls behind ends with a backlog to drain, and
    /// this drops below the offered rate.
    /// </summary>
    public double KeptUpRate => SpanSeconds - (FirstThirdMedianMs / 1000) is var span and > 0 ? Answered / span : 0;

    /// <summary>Every payment answered, at least nine tenths of the offered rate kept up with, and no queue growth (see <see cref="QueueGrew"/>).</summary>
    public bool Carried => Answered == Sent && KeptUpRate >= 0.9 * OfferedRate && !QueueGrew;

    /// <summary>
    /// The last third's median more than 50 ms plus half the first's above the first's: a backlog that builds over the
    /// step, beyond the stalls a shared machine gives any run.
    /// </summary>
    public bool QueueGrew => LastThirdMedianMs - FirstThirdMedianMs > 50 + (FirstThirdMedianMs * 0.5);

    /// <summary>CPU of the agent (the scoring service and its broker) as a percentage of all the machine's cores.</summary>
    public double AgentCpuPercent { get; init; }

    /// <summary>CPU of the link (the emulated network, or the batch window), as a percentage of all the machine's cores; 0 for the edge.</summary>
    public double LinkCpuPercent { get; init; }

    /// <summary>CPU of the pipeline's processes, agent and link.</summary>
    public double PipelineCpuPercent => AgentCpuPercent + LinkCpuPercent;

    /// <summary>CPU of the load generator (the terminals) as a percentage of all the machine's cores.</summary>
    public double TerminalsCpuPercent { get; init; }

    /// <summary>Resident memory of the pipeline's processes (agent and link) at the end of the run.</summary>
    public double PipelineMemoryMiB { get; init; }

    /// <summary>The rate was not carried at the first try and was sent again; these are the second try's figures.</summary>
    public bool Retried { get; init; }

    /// <summary>Latencies of every payment, milliseconds, ascending (for the distribution chart; not written to JSON).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<double> SortedLatenciesMs { get; init; } = [];
}
