using EdgeAgent.Security;

namespace EdgeAgent.Telemetry;

/// <summary>The agent's HTTP surface: health for orchestrators, metrics for Prometheus, status for people.</summary>
public static class HttpEndpoints
{
    public static void MapAgentEndpoints(this WebApplication app)
    {
        app.MapGet("/health/live", (AgentStatus status) =>
            status.IsLive ? Results.Text("live") : Results.Text("faulted: " + status.Fault, statusCode: 503));
        app.MapGet("/health/ready", (AgentStatus status) =>
            status.IsReady ? Results.Text("ready") : Results.Text("not ready", statusCode: 503));
        app.MapGet("/metrics", (AgentStatus status) =>
            Results.Text(PrometheusText.Write(status), "text/plain; version=0.0.4"));
        app.MapGet("/status", (AgentStatus status) =>
            Results.Bytes(StatusJson.Write(status), "application/json"));
        app.MapControlEndpoints();
    }
}
