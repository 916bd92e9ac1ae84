using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeAgent.Core.Scoring;

/// <summary>Source-generated JSON for model cards: camelCase, indented, nulls left out.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(ModelCard))]
public sealed partial class ModelCardJson : JsonSerializerContext
{
    /// <summary>Reads a card; throws <see cref="JsonException"/> on JSON that is not one.</summary>
    public static ModelCard Parse(string json) =>
        JsonSerializer.Deserialize(json, Default.ModelCard) ?? throw new JsonException("The model card is empty.");

    /// <summary>Writes a card as the training command leaves it beside the model.</summary>
    public static string Write(ModelCard card) => JsonSerializer.Serialize(card, Default.ModelCard);
}
