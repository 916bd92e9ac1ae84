using System.Text.Json;
using EdgeAgent.Fleet.Contracts;

namespace EdgeAgent.Fleet.View;

/// <summary>
/// Reads an agent's metrics message, the envelope its cloud sync sends
/// (<c>{"type":"metrics","source":…,"epoch":…,"first":…,"last":…,"count":…,"items":[snapshot,…]}</c>), and keeps
/// the newest snapshot in it. A snapshot may carry a <c>drift</c> object (<c>scorePsi</c>, and <c>band</c> with the
/// model card's <c>hourlyLow</c> and <c>hourlyHigh</c>); without it the fleet's default band applies.
/// </summary>
internal static class SnapshotReader
{
    /// <summary>The newest snapshot of the message, or null with the reason when it is not a metrics message.</summary>
    public static StoreSnapshot? Read(ReadOnlySpan<byte> payload, string storeId, DateTimeOffset receivedAt, out string? source, out string? error)
    {
        source = null;
        error = null;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 16 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "type") != "metrics")
            {
                error = "not a metrics message";
                return null;
            }

            source = Text(root, "source");
            if (!root.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array || items.GetArrayLength() == 0)
            {
                error = "no items";
                return null;
            }

            var epoch = Bounded(Text(root, "epoch"));
            StoreSnapshot? newest = null;
            foreach (var item in items.EnumerateArray())
            {
                var snapshot = Snapshot(item, storeId, receivedAt) with { Epoch = epoch };
                if (newest is null || snapshot.Id >= newest.Id)
                {
                    newest = snapshot;
                }
            }

            return newest;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            error = ex.Message;
            return null;
        }
    }

    private static StoreSnapshot Snapshot(JsonElement item, string storeId, DateTimeOffset receivedAt)
    {
        var events = item.GetProperty("events");
        var decisions = item.GetProperty("decisions");
        var agent = Object(item, "agent");
        var buffer = Object(item, "buffer");
        var drift = Object(item, "drift");
        var band = drift is { } d ? Object(d, "band") : null;
        double? p99 = null;
        if (Object(item, "latencyMs") is { } latency && Object(latency, "request") is { } request && Number(request, "count") > 0)
        {
            p99 = Number(request, "p99");
        }

        long unsent = 0;
        if (buffer is { } b && Object(b, "unsent") is { } streams)
        {
            foreach (var stream in streams.EnumerateObject())
            {
                unsent += stream.Value.GetInt64();
            }
        }

        var interval = item.GetProperty("intervalSeconds").GetDouble();
        var rate = item.GetProperty("throughputPerSecond").GetDouble();
        if (!double.IsFinite(interval) || interval < 0 || !double.IsFinite(rate) || rate < 0)
        {
            throw new FormatException("interval or throughput out of range");
        }

        var scored = events.GetProperty("scored").GetInt64();
        var flagged = Long(decisions, "review") + Long(decisions, "decline");
        if (scored < 0 || flagged < 0 || flagged > scored)
        {
            throw new FormatException("decision counts out of range");
        }

        return new StoreSnapshot
        {
            StoreId = storeId,
            Id = item.GetProperty("id").GetInt64(),
            At = item.GetProperty("at").GetDateTimeOffset(),
            ReceivedAt = receivedAt,
            IntervalSeconds = interval,
            PaymentsPerSecond = rate,
            P99Ms = p99,
            Scored = scored,
            Flagged = flagged,
            Rejected = Long(events, "rejected"),
            ModelErrors = Long(events, "modelErrors"),
            BandLow = band is { } lo ? Number(lo, "hourlyLow") : null,
            BandHigh = band is { } hi ? Number(hi, "hourlyHigh") : null,
            ScorePsi = drift is { } psi ? Number(psi, "scorePsi") : null,
            Model = agent is { } a1 ? Bounded(Text(a1, "model")) : null,
            ModelVersion = agent is { } a2 ? Bounded(Text(a2, "modelVersion")) : null,
            Provider = agent is { } a3 ? Bounded(Text(a3, "provider")) : null,
            AgentVersion = agent is { } a4 ? Bounded(Text(a4, "version")) : null,
            BufferUnsent = unsent,
            BufferOldestSeconds = buffer is { } b2 ? Number(b2, "oldestUnsentAgeSeconds") : null,
            CloudConnected = buffer is { } b3 && b3.TryGetProperty("connected", out var c) && c.ValueKind == JsonValueKind.True,
            Refusals = Long(events, "rejected"),
        };
    }

    private static JsonElement? Object(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? Text(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? Number(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble()) ? value.GetDouble() : null;

    private static long Long(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;

    /// <summary>Names shown on the page and in labels stay short: an agent cannot fill the fleet's memory through them.</summary>
    private static string? Bounded(string? text) => text is null ? null : text.Length <= 64 ? text : text[..64];
}
