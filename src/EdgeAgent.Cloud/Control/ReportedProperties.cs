using System.Text.Json;
using System.Text.Json.Serialization;
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
        string? modelStatus,
        ReportedModel? modelReport = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(settings);
        var model = agent.Model();
        var inForce = policy is not null && agent.ModelThresholds() is { } modelThresholds ? policy.Resolve(modelThresholds) : null;
        var document = new ReportedDocument(
            new ReportedAgent(agent.Version, model?.Name, model?.Version, agent.Provider(), modelStatus),
            inForce is null ? null : new ReportedDecision(inForce.Review, inForce.Decline),
            new ReportedSettings(settings.MetricsInterval.TotalSeconds,
                new ReportedBufferSettings(settings.BufferMaxBytes, settings.BufferMaxAge.TotalHours, settings.FullPolicy.ToString())),
            CloudBufferState.Of(status),
            new ReportedDesired(desiredVersion, desiredErrors),
            modelReport);
        return JsonSerializer.SerializeToUtf8Bytes(document, CloudJson.Default.ReportedDocument);
    }
}

/// <summary>The reported properties; the decision only where a model's thresholds are known.</summary>
public sealed record ReportedDocument(
    ReportedAgent Agent,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ReportedDecision? Decision,
    ReportedSettings Settings,
    CloudBufferState Sync,
    ReportedDesired Desired,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ReportedModel? Model = null);

/// <summary>
/// The model as the cloud sees it: the active card, its name and version, the key that signed it, the last model
/// request (by name or by assignment) and what became of it, and the last model refused for any cause.
/// </summary>
public sealed record ReportedModel(
    string Card,
    string Name,
    string Version,
    string? SignedBy,
    ReportedModelRequest? Request,
    ReportedModelRefusal? LastRefusal);

/// <summary>The last model request: the card asked for, the assignment's sha256 and url, <c>active</c> or <c>refused</c>, the reason tag and detail, when.</summary>
public sealed record ReportedModelRequest(string Card, string? Sha256, string? Url, string Outcome, string? Reason, string? Detail, string? At);

/// <summary>The last model refused (at a switch, by the folder watcher, from the cloud): which, the reason tag, the detail, when.</summary>
public sealed record ReportedModelRefusal(string Card, string Reason, string Detail, string At);

/// <summary>The agent's version, its model and provider, and what became of the last model change.</summary>
public sealed record ReportedAgent(string Version, string? Model, string? ModelVersion, string? Provider, string? ModelStatus);

/// <summary>The thresholds in force.</summary>
public sealed record ReportedDecision(double ReviewThreshold, double DeclineThreshold);

/// <summary>The settings the twin can change.</summary>
public sealed record ReportedSettings(double MetricsIntervalSeconds, ReportedBufferSettings Buffer);

/// <summary>The buffer's caps and what happens when it is full.</summary>
public sealed record ReportedBufferSettings(long MaxBytes, double MaxAgeHours, string FullPolicy);

/// <summary>The last desired properties' version and why they were not applied in full (null when they were).</summary>
public sealed record ReportedDesired(long Version, string? Errors);
