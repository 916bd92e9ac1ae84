using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace EdgeAgent.Deployment.Tests.Infrastructure;

/// <summary>YAML documents read as JSON nodes (scalars as strings), so that YAML and JSON manifests are checked alike.</summary>
public static class Yaml
{
    public static IReadOnlyList<JsonNode?> LoadAll(string relative)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(Repository.Read(relative)))
        {
            stream.Load(reader);
        }

        return stream.Documents.Select(document => ToJson(document.RootNode)).ToList();
    }

    public static JsonNode? Load(string relative) => LoadAll(relative).Single();

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(pair =>
            KeyValuePair.Create(((YamlScalarNode)pair.Key).Value!, ToJson(pair.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Value: null or "~" or "null" } => null,
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidDataException("unsupported YAML node " + node.NodeType),
    };
}
