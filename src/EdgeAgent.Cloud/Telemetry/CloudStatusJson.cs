using System.Text.Json;
using EdgeAgent.Cloud.Transport;

namespace EdgeAgent.Cloud.Telemetry;

/// <summary>The buffer's state as JSON, the same in snapshots, the <c>GetTelemetry</c> answer and the reported properties.</summary>
public static class CloudStatusJson
{
    public static void WriteBuffer(Utf8JsonWriter json, ICloudStatus status, string name = "buffer")
    {
        json.WriteStartObject(name);
        json.WriteBoolean("connected", status.Connected);
        json.WriteNumber("bytes", status.BufferBytes);
        json.WriteNumber("maxBytes", status.BufferMaxBytes);
        json.WriteStartObject("unsent");
        foreach (var stream in Enum.GetValues<CloudStream>())
        {
            json.WriteNumber(CloudMessage.TypeName(stream), status.Stream(stream).Unsent);
        }

        json.WriteEndObject();
        if (status.OldestUnsentAge is { } age)
        {
            json.WriteNumber("oldestUnsentAgeSeconds", Math.Round(Math.Max(0, age.TotalSeconds), 1));
        }
        else
        {
            json.WriteNull("oldestUnsentAgeSeconds");
        }

        if (status.LastSyncAt is { } last)
        {
            json.WriteString("lastSyncAt", last);
        }
        else
        {
            json.WriteNull("lastSyncAt");
        }

        json.WriteStartObject("sent");
        foreach (var stream in Enum.GetValues<CloudStream>())
        {
            json.WriteNumber(CloudMessage.TypeName(stream), status.Stream(stream).SentItems);
        }

        json.WriteEndObject();
        json.WriteStartObject("dropped");
        foreach (var stream in Enum.GetValues<CloudStream>())
        {
            var s = status.Stream(stream);
            json.WriteStartObject(CloudMessage.TypeName(stream));
            json.WriteNumber("full", s.DroppedFull);
            json.WriteNumber("expired", s.DroppedExpired);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteNumber("sendFailures", status.SendFailures);
        json.WriteEndObject();
    }
}
