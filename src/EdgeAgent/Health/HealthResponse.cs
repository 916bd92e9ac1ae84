using System.Text.Json;
using EdgeAgent.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeAgent.Health;

/// <summary>
/// The body of <c>/health/live</c> and <c>/health/ready</c>: the overall status, the reasons it is not healthy, and
/// each check. Orchestrators read the status code; people and <c>EdgeAgent health</c> read the reasons.
/// </summary>
public static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var document = new HealthDocument(
            Name(report.Status),
            [.. report.Entries.Values.Where(e => e.Status != HealthStatus.Healthy).Select(e => e.Description)],
            report.Entries.ToDictionary(e => e.Key, e => new HealthCheckState(Name(e.Value.Status), e.Value.Description)));
        return JsonSerializer.SerializeAsync(context.Response.Body, document, HttpJson.Default.HealthDocument, context.RequestAborted);
    }

    private static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}

/// <summary>A health response: the overall status, why it is not healthy, and each check by name.</summary>
public sealed record HealthDocument(string Status, IReadOnlyList<string?> Reasons, IReadOnlyDictionary<string, HealthCheckState> Checks);

/// <summary>One check: its status and what it says.</summary>
public sealed record HealthCheckState(string Status, string? Description);
