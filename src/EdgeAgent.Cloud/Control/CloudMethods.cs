using System.Text.Json;
using EdgeAgent.Cloud.Sync;
using EdgeAgent.Cloud.Telemetry;
using EdgeAgent.Cloud.Transport;

namespace EdgeAgent.Cloud.Control;

/// <summary>
/// The direct methods: <c>GetTelemetry</c> (<c>{"history":n}</c>: the latest snapshot, the n before it and the
/// buffer) and <c>Flush</c> (<c>{"waitSeconds":n}</c>: a snapshot now, the pump woken, and up to n seconds' wait
/// for the buffer to empty). Unknown methods answer 501, bad payloads 400.
/// </summary>
public sealed class CloudMethods(MetricSnapshotter snapshots, ICloudStatus status, CloudSignals signals, CloudOptions options, TimeProvider time)
{
    /// <summary>Direct-method answers are limited to 128 KB; history is trimmed to stay below.</summary>
    public const int MaxResponseBytes = 120_000;

    public async Task<CloudMethodResponse> InvokeAsync(string method, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (string.Equals(method, "GetTelemetry", StringComparison.OrdinalIgnoreCase))
        {
            return TryInteger(payload, "history", 0, options.MetricsHistory, 10, out var history, out var problem)
                ? GetTelemetry(history)
                : CloudMethodResponse.Error(400, problem);
        }

        if (string.Equals(method, "Flush", StringComparison.OrdinalIgnoreCase))
        {
            return TryInteger(payload, "waitSeconds", 0, 60, 0, out var wait, out var problem)
                ? await FlushAsync(TimeSpan.FromSeconds(wait), cancellationToken)
                : CloudMethodResponse.Error(400, problem);
        }

        return CloudMethodResponse.Error(501, $"unknown method '{method}'; known: GetTelemetry, Flush");
    }

    private CloudMethodResponse GetTelemetry(int historyCount)
    {
        var latest = snapshots.Latest ?? snapshots.Take();
        var history = snapshots.History(historyCount + 1).ToList();
        if (history.Count > 0 && ReferenceEquals(history[^1], latest))
        {
            history.RemoveAt(history.Count - 1);
        }

        // Oldest history goes first when the answer would exceed what a direct method may return.
        var budget = MaxResponseBytes - latest.Length - 4096;
        var size = history.Sum(h => h.Length + 1);
        while (history.Count > 0 && size > budget)
        {
            size -= history[0].Length + 1;
            history.RemoveAt(0);
        }

        // The snapshots are kept as the bytes that were queued for the cloud; the answer carries them as they are.
        var answer = new TelemetryAnswer(Parse(latest), [.. history.Select(Parse)], CloudBufferState.Of(status));
        return new CloudMethodResponse(200, JsonSerializer.SerializeToUtf8Bytes(answer, CloudJson.Default.TelemetryAnswer));
    }

    private async Task<CloudMethodResponse> FlushAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        snapshots.Take();
        signals.Pump.Set();
        var deadline = time.GetUtcNow() + wait;
        while (Unsent() > 0 && time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }

        var flushed = new FlushResult(Unsent() == 0, CloudBufferState.Of(status));
        return new CloudMethodResponse(200, JsonSerializer.SerializeToUtf8Bytes(flushed, CloudJson.Default.FlushResult));
    }

    private long Unsent() => Enum.GetValues<CloudStream>().Sum(s => status.Stream(s).Unsent);

    private static JsonElement Parse(byte[] snapshot)
    {
        using var document = JsonDocument.Parse(snapshot);
        return document.RootElement.Clone();
    }

    /// <summary>An optional integer property of a JSON object payload (an empty payload or <c>null</c> takes the default).</summary>
    private static bool TryInteger(ReadOnlyMemory<byte> payload, string name, int min, int max, int fallback, out int value, out string problem)
    {
        value = fallback;
        problem = "";
        if (payload.IsEmpty)
        {
            return true;
        }

        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = $"the payload is a JSON object, e.g. {{\"{name}\":{fallback}}}";
                return false;
            }

            if (!root.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            if (property.ValueKind == JsonValueKind.Number && property.TryGetInt32(out value) && value >= min && value <= max)
            {
                return true;
            }

            problem = $"{name} is an integer in [{min}, {max}]";
            return false;
        }
        catch (JsonException)
        {
            problem = "the payload is not JSON";
            return false;
        }
    }
}

/// <summary>The answer to <c>Flush</c>: whether the buffer emptied within the wait, and its state.</summary>
public sealed record FlushResult(bool Flushed, CloudBufferState Buffer);

/// <summary>The answer to <c>GetTelemetry</c>: the latest snapshot, those before it (oldest first) and the buffer now.</summary>
public sealed record TelemetryAnswer(JsonElement Latest, IReadOnlyList<JsonElement> History, CloudBufferState Buffer);
