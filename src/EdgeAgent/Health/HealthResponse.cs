using System.Text.Json;
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
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", Name(report.Status));
            json.WriteStartArray("reasons");
            foreach (var (_, entry) in report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy))
            {
                json.WriteStringValue(entry.Description);
            }

            json.WriteEndArray();
            json.WriteStartObject("checks");
            foreach (var (name, entry) in report.Entries)
            {
                json.WriteStartObject(name);
                json.WriteString("status", Name(entry.Status));
                json.WriteString("description", entry.Description);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return context.Response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }

    private static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
