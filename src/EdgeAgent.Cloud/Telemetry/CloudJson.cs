using System.Text.Json.Serialization;

namespace EdgeAgent.Cloud.Telemetry;

/// <summary>
/// Source-generated JSON for every document the cloud library writes: metric snapshots, the direct methods' answers,
/// the reported properties. Compact, camelCase; a dictionary's keys are written as they are (stage names, reason codes).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MetricSnapshot))]
[JsonSerializable(typeof(CloudBufferState))]
[JsonSerializable(typeof(Transport.MethodError))]
[JsonSerializable(typeof(Control.FlushResult))]
[JsonSerializable(typeof(Control.TelemetryAnswer))]
[JsonSerializable(typeof(Control.ReportedDocument))]
public sealed partial class CloudJson : JsonSerializerContext;
