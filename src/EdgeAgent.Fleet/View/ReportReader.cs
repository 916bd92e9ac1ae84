using System.Text.Json;
using EdgeAgent.Fleet.Contracts;

namespace EdgeAgent.Fleet.View;

/// <summary>
/// Reads an agent's reported properties as its MQTT cloud transport publishes them (<c>Cloud:ReportedTopic</c>,
/// retained): <c>desired.version</c>, <c>model.card</c> and <c>model.request</c>
/// (<c>{card, sha256, url, outcome, reason, detail, at}</c>). Names and words are cut short: an agent cannot fill the
/// fleet's memory through them.
/// </summary>
internal static class ReportReader
{
    private const int MaxName = 64;
    private const int MaxDetail = 200;

    /// <summary>The report, or null with the reason when the payload is not one.</summary>
    public static StoreReport? Read(ReadOnlySpan<byte> payload, string storeId, DateTimeOffset receivedAt, out string? error)
    {
        error = null;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 16 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("desired", out var desired) || desired.ValueKind != JsonValueKind.Object
                || !desired.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number)
            {
                error = "no desired.version";
                return null;
            }

            var model = Object(root, "model");
            var request = model is { } m ? Object(m, "request") : null;
            return new StoreReport
            {
                StoreId = storeId,
                ReceivedAt = receivedAt,
                DesiredVersion = version.GetInt64(),
                ActiveCard = Bounded(model, "card", MaxName),
                RequestCard = Bounded(request, "card", MaxName),
                RequestSha256 = Bounded(request, "sha256", MaxName)?.ToLowerInvariant(),
                RequestOutcome = Bounded(request, "outcome", MaxName),
                RefusalReason = Bounded(request, "reason", MaxName),
                RefusalDetail = Bounded(request, "detail", MaxDetail),
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            error = ex.Message;
            return null;
        }
    }

    private static JsonElement? Object(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? Bounded(JsonElement? parent, string name, int most) =>
        parent is { } p && p.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { } text
            ? text.Length <= most ? text : text[..most]
            : null;
}
