using EdgeAgent.Health;
using EdgeAgent.Security;
using EdgeAgent.StatusPage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace EdgeAgent.Telemetry;

/// <summary>The agent's HTTP surface: health for orchestrators, metrics for Prometheus, status and a page for people.</summary>
public static class HttpEndpoints
{
    public static void MapAgentEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(AgentHealthChecks.Live),
            ResponseWriter = HealthResponse.WriteAsync,
        });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(AgentHealthChecks.Ready),
            ResponseWriter = HealthResponse.WriteAsync,
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/status", (HttpContext context, AgentStatus status, StatusHistory history, IControlPlaneAccess access) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Bytes(StatusJson.Write(status, access.IsAuthenticated(context), history.Charts), "application/json");
        });
        app.MapStatusPage();
        app.MapControlEndpoints();
    }
}
