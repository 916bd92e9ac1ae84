using EdgeAgent.Cloud;
using EdgeAgent.Core.Health;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Telemetry;
using EdgeAgent.Hosting;
using EdgeAgent.Mqtt;
using EdgeAgent.Onnx;
using EdgeAgent.Telemetry.Readback;

namespace EdgeAgent.Telemetry;

/// <summary>
/// What the agent is and does right now: the source of /status, the status page and the health checks. Its parts are
/// given, not looked up; the ones only a scoring agent has (model, pipeline, registry, shadow) and the cloud link are
/// null where the agent runs without them. The <see cref="State"/> is the running service's to publish.
/// </summary>
public sealed class AgentStatus(
    IIngest ingest,
    PipelineMetrics metrics,
    PipelineReadings readings,
    IReadinessGate gate,
    TimeProvider time,
    ModelHolder? model = null,
    ScoringPipeline? pipeline = null,
    ModelRegistry? registry = null,
    ShadowModel? shadow = null,
    ICloudStatus? cloud = null,
    AgentFleet? fleet = null)
{
    private AgentState _state = AgentState.Starting;

    public static string Version { get; } =
        typeof(AgentStatus).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    /// <summary>What the running service last published.</summary>
    public AgentState State => Volatile.Read(ref _state);

    public bool IsReady => NotReadyReasons().Count == 0;

    public IIngest Ingest => ingest;

    /// <summary>True for a broker inside the agent, false for an external one.</summary>
    public bool EmbeddedBroker => ingest is Mqtt.Embedded.EmbeddedBrokerIngest;

    public PipelineMetrics Metrics => metrics;

    /// <summary>The pipeline's figures, read back from this host's meter.</summary>
    public PipelineReadings Readings => readings;

    /// <summary>Problems other components reported (disk full, intake stopped, …).</summary>
    public IReadinessGate Gate => gate;

    public TimeSpan Uptime => time.GetUtcNow() - StartedAt;

    /// <summary>The active model, when this agent scores.</summary>
    public OnnxScorer? Model => model?.Current;

    public ScoringPipeline? Pipeline => pipeline;

    /// <summary>The model registry, when this agent scores.</summary>
    public ModelRegistry? Registry => registry;

    /// <summary>The shadow model, when one runs.</summary>
    public OnnxScorer? Shadow => shadow?.Holder?.Current;

    /// <summary>The cloud sync, when this agent has one.</summary>
    public ICloudStatus? Cloud => cloud;

    /// <summary>The link to the fleet, when this agent has one.</summary>
    public AgentFleet? Fleet => fleet is { Link: not null } ? fleet : null;

    /// <summary>Replaces the state, from the one in force (the running service's only writer path).</summary>
    public void Publish(Func<AgentState, AgentState> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        while (true)
        {
            var seen = State;
            if (ReferenceEquals(Interlocked.CompareExchange(ref _state, change(seen), seen), seen))
            {
                return;
            }
        }
    }

    /// <summary>Why the agent does not take payments now; empty when it does.</summary>
    public IReadOnlyList<string> NotReadyReasons()
    {
        string?[] own = [PipelineReason(), BrokerReason(), ModelReason()];
        return [.. own.OfType<string>(), .. gate.Problems.Select(p => $"{p.Key}: {p.Value}")];
    }

    internal string? PipelineReason() => State switch
    {
        { PipelineRunning: true } => null,
        { Fault: null } => "pipeline not running",
        _ => "pipeline stopped on an error",
    };

    internal string? BrokerReason() =>
        ingest.IsConnected ? null : EmbeddedBroker ? "embedded broker not started" : "broker not connected";

    internal string? ModelReason() =>
        State.Mode != "scoring" || model is not null ? null : "model not loaded";
}
