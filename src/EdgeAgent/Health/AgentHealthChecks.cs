using EdgeAgent.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeAgent.Health;

/// <summary>
/// The agent's health checks. <c>live</c>: the process is sound (an orchestrator restarts it otherwise).
/// <c>ready</c>: it takes payments: the pipeline runs, the broker is there, the model is loaded, and no component
/// reported a problem through <see cref="Core.Health.IReadinessGate"/>. The cloud link is reported but never
/// makes the agent unready: payments are scored and buffered while it is down.
/// </summary>
public static class AgentHealthChecks
{
    public const string Live = "live";
    public const string Ready = "ready";

    public static IServiceCollection AddAgentHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .Add(Check("process", [Live], s => s.State.Fault is null ? Pass("running") : HealthCheckResult.Unhealthy("pipeline stopped on an error")))
            .Add(Check("pipeline", [Ready], s => s.PipelineReason() is { } reason ? HealthCheckResult.Unhealthy(reason) : Pass("running")))
            .Add(Check("broker", [Ready], s => s.BrokerReason() is { } reason ? HealthCheckResult.Unhealthy(reason) : Pass("connected")))
            .Add(Check("model", [Ready], s => s.ModelReason() is { } reason ? HealthCheckResult.Unhealthy(reason)
                : s.Model is { } model ? Pass($"{model.Model} on {model.Provider.Name}") : Pass("no model in echo mode")))
            .Add(Check("components", [Ready], s => s.Gate.Problems is { Count: > 0 } problems
                ? HealthCheckResult.Unhealthy(string.Join("; ", problems.Select(p => $"{p.Key}: {p.Value}")))
                : Pass("no problem reported")))
            .Add(Check("cloud", [Ready], s => s.Cloud is not { Enabled: true } cloud ? Pass("no cloud configured")
                : cloud.Connected ? Pass("connected") : HealthCheckResult.Degraded("cloud link down; buffering")));
        return services;
    }

    private static HealthCheckResult Pass(string description) => HealthCheckResult.Healthy(description);

    private static HealthCheckRegistration Check(string name, string[] tags, Func<AgentStatus, HealthCheckResult> check) =>
        new(name, sp => new StatusCheck(sp.GetRequiredService<AgentStatus>(), check), failureStatus: HealthStatus.Unhealthy, tags);

    private sealed class StatusCheck(AgentStatus status, Func<AgentStatus, HealthCheckResult> check) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(check(status));
    }
}
