using System.Text.Json.Serialization;

namespace EdgeAgent.Telemetry;

/// <summary>The models in the models folder and which one scores (<c>GET /models</c>).</summary>
public sealed record ModelList(string ActiveName, string Active, string Provider, IReadOnlyList<string> Available);

/// <summary>The outcome of <c>POST /models/{name}/activate</c>.</summary>
public sealed record ModelSwitch(bool Switched, string Active, string Reason);

/// <summary>Source-generated JSON for every document the agent's HTTP endpoints write: /models, the model switch, /status and health.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelSwitch))]
[JsonSerializable(typeof(StatusDocument))]
[JsonSerializable(typeof(Health.HealthDocument))]
public sealed partial class HttpJson : JsonSerializerContext;
