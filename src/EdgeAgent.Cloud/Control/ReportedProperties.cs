using System.Text.Json;
using EdgeAgent.Cloud.Telemetry;
using EdgeAgent.Core.Pipeline;

namespace EdgeAgent.Cloud.Control;

/// <summary>
/// The reported properties: version, model and provider, the thresholds in force, the settings the twin can change,
/// the buffer (depth, oldest unsent age, last sync, drops) and what became of the last desired properties. Values
/// are objects, strings and numbers only (twin properties hold no arrays); <c>null</c> clears a key.
/// </summary>
public static class ReportedProperties
{
    public static byte[] Write(
        AgentDescription agent,
        DecisionPolicy? policy,
        CloudRuntimeSettings settings,
        ICloudStatus status,
        long desiredVersion,
        string? desiredErrors,
        string? modelStatus)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("agent");
            json.WriteString("version", agent.Version);
            var model = agent.Model();
            json.WriteString("model", model?.Name);
            json.WriteString("modelVersion", model?.Version);
            json.WriteString("provider", agent.Provider());
            json.WriteString("modelStatus", modelStatus);
            json.WriteEndObject();

            if (policy is not null && agent.ModelThresholds() is { } modelThresholds)
            {
                var inForce = policy.Resolve(modelThresholds);
                json.WriteStartObject("decision");
                json.WriteNumber("reviewThreshold", inForce.Review);
                json.WriteNumber("declineThreshold", inForce.Decline);
                json.WriteEndObject();
            }

            json.WriteStartObject("settings");
            json.WriteNumber("metricsIntervalSeconds", settings.MetricsInterval.TotalSeconds);
            json.WriteStartObject("buffer");
            json.WriteNumber("maxBytes", settings.BufferMaxBytes);
            json.WriteNumber("maxAgeHours", settings.BufferMaxAge.TotalHours);
            json.WriteString("fullPolicy", settings.FullPolicy.ToString());
            json.WriteEndObject();
            json.WriteEndObject();

            CloudStatusJson.WriteBuffer(json, status, "sync");

            json.WriteStartObject("desired");
            json.WriteNumber("version", desiredVersion);
            json.WriteString("errors", desiredErrors);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
