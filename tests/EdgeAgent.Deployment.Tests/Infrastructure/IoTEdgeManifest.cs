using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeAgent.Deployment.Tests.Infrastructure;

/// <summary>An IoT Edge deployment manifest (deployment-manifests/iotedge/NAME.json) and the template it is rendered from.</summary>
public sealed class IoTEdgeManifest
{
    public const string Folder = "deployment-manifests/iotedge";
    public const string AgentModule = "edgeagent";
    public const int ChunkSize = 512;

    private IoTEdgeManifest(string name, JsonObject root, JsonObject template)
    {
        Name = name;
        Root = root;
        Template = template;
    }

    public string Name { get; }

    public JsonObject Root { get; }

    public JsonObject Template { get; }

    public JsonObject EdgeAgentDesired => (JsonObject)Root["modulesContent"]!["$edgeAgent"]!["properties.desired"]!;

    public JsonObject EdgeHubDesired => (JsonObject)Root["modulesContent"]!["$edgeHub"]!["properties.desired"]!;

    public JsonObject Modules => (JsonObject)EdgeAgentDesired["modules"]!;

    public JsonObject SystemModules => (JsonObject)EdgeAgentDesired["systemModules"]!;

    public JsonObject Agent => (JsonObject)Modules[AgentModule]!;

    /// <summary>Every module, system ones included, by name.</summary>
    public IEnumerable<KeyValuePair<string, JsonObject>> AllModules =>
        SystemModules.Concat(Modules).Select(pair => KeyValuePair.Create(pair.Key, (JsonObject)pair.Value!));

    /// <summary>Manifest names (file name without .json) with a template beside them.</summary>
    public static IEnumerable<string> Names() =>
        Repository.Files(Folder, "*.json").Where(path => !path.Contains("/templates/", StringComparison.Ordinal))
            .Select(path => Path.GetFileNameWithoutExtension(path));

    public static IoTEdgeManifest Load(string name) => new(
        name,
        JsonNode.Parse(Repository.Read($"{Folder}/{name}.json"))!.AsObject(),
        JsonNode.Parse(Repository.Read($"{Folder}/templates/{name}.template.json"))!.AsObject());

    /// <summary>The createOptions chunks of a module's settings, in order: createOptions, createOptions01, ...</summary>
    public static IReadOnlyList<KeyValuePair<string, JsonNode?>> Chunks(JsonObject module) =>
        ((JsonObject)module["settings"]!).Where(pair => pair.Key.StartsWith("createOptions", StringComparison.Ordinal))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList();

    /// <summary>A module's createOptions reassembled from its chunks and parsed.</summary>
    public static JsonObject CreateOptions(JsonObject module)
    {
        var text = string.Concat(Chunks(module).Select(pair => pair.Value!.GetValue<string>()));
        try
        {
            return JsonNode.Parse(text)!.AsObject();
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"createOptions do not reassemble into JSON: {ex.Message}\n{text}", ex);
        }
    }

    /// <summary>The module's environment (<c>env: {NAME: {value}}</c>).</summary>
    public static IReadOnlyDictionary<string, string> Environment(JsonObject module) =>
        module["env"] is JsonObject env
            ? env.ToDictionary(pair => pair.Key, pair => pair.Value!["value"]!.ToString(), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>HostConfig.Binds as (host path, container path, options).</summary>
    public static IReadOnlyList<(string Host, string Container, string Options)> Binds(JsonObject createOptions) =>
        createOptions["HostConfig"]?["Binds"] is JsonArray binds
            ? binds.Select(b => b!.GetValue<string>().Split(':')).Select(p => (p[0], p[1], p.Length > 2 ? p[2] : "")).ToList()
            : [];
}
