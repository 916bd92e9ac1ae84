using EdgeAgent.Core.Scoring;
using EdgeAgent.Health;
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
        app.MapGet("/status", (HttpContext context, AgentStatus status, IControlPlaneAccess access) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Bytes(StatusJson.Write(status, access.IsAuthenticated(context)), "application/json");
        });
        app.MapStatusPage();
        app.MapGet("/models", (IServiceProvider services) =>
            services.GetService<IModelControl>() is { } models
                ? Results.Json(new ModelList(models.ActiveName, models.Active.ToString(), models.Provider, models.Available), HttpJson.Default.ModelList)
                : Results.NotFound());
        app.MapPost("/models/{name}/activate", async (string name, IServiceProvider services, CancellationToken cancellationToken) =>
        {
            if (services.GetService<IModelControl>() is not { } models)
            {
                return Results.NotFound();
            }

            var result = await models.ActivateAsync(name, cancellationToken);
            var body = new ModelSwitch(result.Switched, result.Active.ToString(), result.Reason);
            return Results.Json(body, HttpJson.Default.ModelSwitch, statusCode: result.Switched ? 200 : 409);
        });
    }
}
