using EdgeAgent.Core.Health;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Telemetry;
using EdgeAgent.Mqtt;
using EdgeAgent.Onnx;

namespace EdgeAgent.Telemetry;

/// <summary>What the agent is and does right now: the source of /status, the status page and the health checks.</summary>
public sealed class AgentStatus(IServiceProvider services, IIngest ingest, PipelineMetrics metrics, IReadinessGate gate, TimeProvider time)
{
    public static string Version { get; } =
        typeof(AgentStatus).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    /// <summary><c>scoring</c> or <c>echo</c>.</summary>
    public string Mode { get; set; } = "scoring";

    /// <summary>Set while the pipeline loops run.</summary>
    public bool PipelineRunning { get; set; }

    /// <summary>Set once the pipeline stopped on an error: the agent is alive but no longer live.</summary>
    public string? Fault { get; set; }

    /// <summary>Something an operator should know that does not stop the agent (a replaced database file).</summary>
    public string? Warning { get; set; }

    public bool IsReady => NotReadyReasons().Count == 0;

    public IIngest Ingest => ingest;

    public PipelineMetrics Metrics => metrics;

    /// <summary>Problems other components reported (disk full, intake stopped, …).</summary>
    public IReadinessGate Gate => gate;

    public TimeSpan Uptime => time.GetUtcNow() - StartedAt;

    /// <summary>The active model, when this agent scores.</summary>
    public OnnxScorer? Model => services.GetService<ModelHolder>()?.Current;

    public ScoringPipeline? Pipeline => services.GetService<ScoringPipeline>();

    /// <summary>The model registry, when this agent scores.</summary>
    public ModelRegistry? Registry => services.GetService<ModelRegistry>();

    /// <summary>The shadow model, when one runs.</summary>
    public OnnxScorer? Shadow => services.GetService<Hosting.ShadowModel>()?.Holder?.Current;

    /// <summary>The cloud sync, when this agent has one.</summary>
    public Cloud.ICloudStatus? Cloud => services.GetService<Cloud.ICloudStatus>();

    /// <summary>Why the agent does not take payments now; empty when it does.</summary>
    public IReadOnlyList<string> NotReadyReasons()
    {
        var reasons = new List<string>();
        if (PipelineReason() is { } pipeline)
        {
            reasons.Add(pipeline);
        }

        if (BrokerReason() is { } broker)
        {
            reasons.Add(broker);
        }

        if (ModelReason() is { } model)
        {
            reasons.Add(model);
        }

        reasons.AddRange(gate.Problems.Select(p => $"{p.Key}: {p.Value}"));
        return reasons;
    }

    internal string? PipelineReason() =>
        PipelineRunning ? null : Fault is null ? "pipeline not running" : "pipeline stopped on an error";

    internal string? BrokerReason() =>
        ingest.IsConnected ? null : ingest is Mqtt.Embedded.EmbeddedBrokerIngest or Mqtt.Intercepted.InterceptedBrokerIngest ? "embedded broker not started" : "broker not connected";

    internal string? ModelReason() =>
        Mode != "scoring" || services.GetService<ModelHolder>() is not null ? null : "model not loaded";
}
