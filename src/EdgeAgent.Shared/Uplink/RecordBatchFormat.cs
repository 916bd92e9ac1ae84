using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace EdgeAgent.Shared.Uplink;

/// <summary>
/// A batch of records as one Avro object container file (Apache Avro 1.12, "Object Container Files"): the schema
/// <see cref="Schema"/> and the batch's envelope in the file's metadata, the rows in one block compressed with Avro's
/// <c>deflate</c> codec. Any Avro reader opens it (Azure Stream Analytics' Avro input, Spark, <c>avro-tools tojson</c>,
/// fastavro, Apache.Avro); <see cref="TryToJson"/> turns it back into the JSON batch the agent sent before, field for
/// field, for readers that want JSON (the tests, <c>EdgeAgent.Simulator records</c>). Numbers the cloud needs short go
/// as the decimal logical type (amount, score, place, latency) or as thousandths (the features), never as doubles.
/// </summary>
public static class RecordBatchFormat
{
    /// <summary>The content type of a records message (<c>$.ct</c> at IoT Hub).</summary>
    public const string ContentType = "avro/binary";

    /// <summary>The features' scale: a feature value is sent as this many times itself, rounded.</summary>
    public const int FeatureScale = 1000;

    public const int AmountScale = 4;

    public const int ScoreScale = 6;

    public const int PlaceScale = 6;

    public const int LatencyScale = 2;

    /// <summary>The metadata key of the share of approved payments whose features the batch carries.</summary>
    public const string SampleRateKey = "edgeagent.featureSampleRate";

    /// <summary>The schema of one record, in the order its fields are written.</summary>
    public const string Schema =
        """{"type":"record","name":"PaymentRecord","namespace":"edgeagent","fields":[""" +
        """{"name":"seq","type":"long"},{"name":"status","type":"string"},""" +
        """{"name":"transactionId","type":["null","string"]},{"name":"storeId","type":["null","string"]},""" +
        """{"name":"terminalId","type":["null","string"]},""" +
        """{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},""" +
        """{"name":"eventTime","type":["null",{"type":"long","logicalType":"timestamp-millis"}]},""" +
        """{"name":"eventOffsetMinutes","type":["null","int"]},""" +
        """{"name":"amount","type":["null",{"type":"bytes","logicalType":"decimal","precision":28,"scale":4}]},""" +
        """{"name":"currency","type":["null","string"]},{"name":"cardToken","type":["null","string"]},""" +
        """{"name":"mcc","type":["null","string"]},{"name":"channel","type":["null","string"]},""" +
        """{"name":"merchantId","type":["null","string"]},""" +
        """{"name":"location","type":["null",{"type":"record","name":"Place","fields":[""" +
        """{"name":"lat","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":6}},""" +
        """{"name":"lon","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":6}}]}]},""" +
        """{"name":"features","type":["null",{"type":"array","items":["int","null"]}],"doc":"thousandths"},""" +
        """{"name":"score","type":["null",{"type":"bytes","logicalType":"decimal","precision":7,"scale":6}]},""" +
        """{"name":"decision","type":["null","string"]},{"name":"model","type":["null","string"]},""" +
        """{"name":"modelVersion","type":["null","string"]},""" +
        """{"name":"shadowScore","type":["null",{"type":"bytes","logicalType":"decimal","precision":7,"scale":6}]},""" +
        """{"name":"shadowModel","type":["null","string"]},""" +
        """{"name":"reasons","type":{"type":"array","items":{"type":"record","name":"Reason","fields":[""" +
        """{"name":"code","type":"string"},{"name":"feature","type":"string"},{"name":"value","type":"float"},""" +
        """{"name":"contribution","type":"float"}]}}},""" +
        """{"name":"latencyMs","type":["null",{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}]},""" +
        """{"name":"topic","type":["null","string"]},""" +
        """{"name":"errors","type":{"type":"array","items":{"type":"record","name":"FieldError","fields":[""" +
        """{"name":"field","type":"string"},{"name":"code","type":"string"},{"name":"message","type":"string"}]}}}]}""";

    private static readonly byte[] Magic = "Obj\u0001"u8.ToArray();
    private const int SyncLength = 16;

    /// <summary>True when <paramref name="body"/> starts as an Avro object container file.</summary>
    public static bool IsContainer(ReadOnlySpan<byte> body) => body.StartsWith(Magic);

    /// <summary>
    /// The container of <paramref name="rows"/> (each one record written to <see cref="Schema"/>) with the envelope in
    /// its metadata. The sync marker is taken from the message id, so the same rows under the same id are the same
    /// bytes after a restart.
    /// </summary>
    public static byte[] Write(RecordBatchEnvelope envelope, IReadOnlyList<byte[]> rows, int count)
    {
        var sync = SHA256.HashData(Encoding.UTF8.GetBytes(envelope.MessageId)).AsSpan(0, SyncLength).ToArray();
        var file = new AvroWriter(4096);
        file.WriteRaw(Magic);
        var meta = envelope.Metadata();
        file.WriteLong(meta.Count);
        foreach (var (key, value) in meta)
        {
            file.WriteString(key);
            file.WriteBytes(Encoding.UTF8.GetBytes(value));
        }

        file.WriteLong(0);
        file.WriteRaw(sync);

        using var block = new MemoryStream();
        using (var deflate = new DeflateStream(block, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            for (var i = 0; i < count; i++)
            {
                deflate.Write(rows[i]);
            }
        }

        file.WriteLong(count);
        file.WriteBytes(block.GetBuffer().AsSpan(0, (int)block.Length));
        file.WriteRaw(sync);
        return file.ToArray();
    }

    /// <summary>
    /// The JSON batch of a container (<c>{"type":"records","source":…,"epoch":…,"first":…,"last":…,"count":…,
    /// "featureSampleRate":…,"items":[…]}</c>), inflating at most <paramref name="maxInflatedBytes"/>. Refuses a
    /// container of another schema or codec as corrupt.
    /// </summary>
    public static UplinkOpenResult TryToJson(ReadOnlySpan<byte> body, int maxInflatedBytes, out byte[] json)
    {
        json = [];
        try
        {
            var reader = new AvroReader(body);
            if (!reader.ReadFixed(Magic.Length).SequenceEqual(Magic))
            {
                return UplinkOpenResult.Corrupt;
            }

            var meta = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var n = reader.ReadBlockCount(); n > 0; n = reader.ReadBlockCount())
            {
                for (var i = 0; i < n; i++)
                {
                    meta[reader.ReadString()] = Encoding.UTF8.GetString(reader.ReadBytes());
                }
            }

            if (meta.GetValueOrDefault("avro.schema") != Schema || meta.GetValueOrDefault("avro.codec") != "deflate")
            {
                return UplinkOpenResult.Corrupt;
            }

            var sync = reader.ReadFixed(SyncLength).ToArray();
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(Math.Max(1024, body.Length * 4));
            using (var output = new Utf8JsonWriter(buffer))
            {
                output.WriteStartObject();
                output.WriteString("type", meta.GetValueOrDefault("edgeagent.type", "records"));
                output.WriteString("source", meta.GetValueOrDefault("edgeagent.source"));
                output.WriteString("epoch", meta.GetValueOrDefault("edgeagent.epoch"));
                output.WriteNumber("first", long.Parse(meta.GetValueOrDefault("edgeagent.first", "0"), CultureInfo.InvariantCulture));
                output.WriteNumber("last", long.Parse(meta.GetValueOrDefault("edgeagent.last", "0"), CultureInfo.InvariantCulture));
                output.WriteNumber("count", long.Parse(meta.GetValueOrDefault("edgeagent.count", "0"), CultureInfo.InvariantCulture));
                output.WriteNumber("featureSampleRate", double.Parse(meta.GetValueOrDefault(SampleRateKey, "1"), CultureInfo.InvariantCulture));
                output.WriteStartArray("items");
                var inflated = 0L;
                while (!reader.End)
                {
                    var rows = reader.ReadLong();
                    var compressed = reader.ReadBytes();
                    if (!reader.ReadFixed(SyncLength).SequenceEqual(sync))
                    {
                        return UplinkOpenResult.Corrupt;
                    }

                    var data = Inflate(compressed, maxInflatedBytes - inflated);
                    if (data is null)
                    {
                        return UplinkOpenResult.TooLarge;
                    }

                    inflated += data.Length;
                    var rowReader = new AvroReader(data);
                    for (var i = 0; i < rows; i++)
                    {
                        WriteRecord(ref rowReader, output);
                        if (buffer.WrittenCount > maxInflatedBytes)
                        {
                            return UplinkOpenResult.TooLarge;
                        }
                    }

                    if (!rowReader.End)
                    {
                        return UplinkOpenResult.Corrupt;
                    }
                }

                output.WriteEndArray();
                output.WriteEndObject();
            }

            json = buffer.WrittenSpan.ToArray();
            return UplinkOpenResult.Inflated;
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or OverflowException or ArgumentException)
        {
            return UplinkOpenResult.Corrupt;
        }
    }

    private delegate void ItemReader(ref AvroReader row, Utf8JsonWriter json);

    private static byte[]? Inflate(ReadOnlySpan<byte> compressed, long max)
    {
        using var input = new MemoryStream(compressed.ToArray(), writable: false);
        using var deflate = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = new byte[16384];
        int read;
        while ((read = deflate.Read(chunk)) > 0)
        {
            output.Write(chunk, 0, read);
            if (output.Length > max)
            {
                return null;
            }
        }

        return output.ToArray();
    }

    /// <summary>One row back into the JSON the agent sent before this encoding: the same names, the same values.</summary>
    private static void WriteRecord(ref AvroReader row, Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteNumber("seq", row.ReadLong());
        var status = row.ReadString();
        json.WriteString("status", status);
        WriteIf(json, "transactionId", row.ReadOptionalString());
        WriteIf(json, "storeId", row.ReadOptionalString());
        WriteIf(json, "terminalId", row.ReadOptionalString());
        json.WriteString("receivedAt", DateTimeOffset.FromUnixTimeMilliseconds(row.ReadLong()));
        long? eventTime = row.ReadBranch(2) == 1 ? row.ReadLong() : null;
        int? offset = row.ReadBranch(2) == 1 ? row.ReadInt() : null;
        if (eventTime is { } ms)
        {
            json.WriteString("eventTime", DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(TimeSpan.FromMinutes(offset ?? 0)));
        }

        WriteOptionalDecimal(ref row, json, "amount", AmountScale);

        WriteIf(json, "currency", row.ReadOptionalString());
        WriteIf(json, "cardToken", row.ReadOptionalString());
        WriteIf(json, "mcc", row.ReadOptionalString());
        WriteIf(json, "channel", row.ReadOptionalString());
        WriteIf(json, "merchantId", row.ReadOptionalString());
        if (row.ReadBranch(2) == 1)
        {
            json.WriteStartObject("location");
            json.WriteNumber("lat", row.ReadDecimal(PlaceScale));
            json.WriteNumber("lon", row.ReadDecimal(PlaceScale));
            json.WriteEndObject();
        }

        if (row.ReadBranch(2) == 1)
        {
            json.WriteStartArray("features");
            for (var n = row.ReadBlockCount(); n > 0; n = row.ReadBlockCount())
            {
                for (var i = 0; i < n; i++)
                {
                    if (row.ReadBranch(2) == 0)
                    {
                        json.WriteNumberValue((decimal)row.ReadInt() / FeatureScale);
                    }
                    else
                    {
                        json.WriteNullValue();
                    }
                }
            }

            json.WriteEndArray();
        }

        WriteOptionalDecimal(ref row, json, "score", ScoreScale);

        WriteIf(json, "decision", row.ReadOptionalString());
        WriteIf(json, "model", row.ReadOptionalString());
        WriteIf(json, "modelVersion", row.ReadOptionalString());
        WriteOptionalDecimal(ref row, json, "shadowScore", ScoreScale);

        WriteIf(json, "shadowModel", row.ReadOptionalString());
        ReadArray(ref row, json, "reasons", static (ref AvroReader row, Utf8JsonWriter json) =>
        {
            json.WriteString("code", row.ReadString());
            json.WriteString("feature", row.ReadString());
            json.WriteNumber("value", row.ReadFloat());
            json.WriteNumber("contribution", row.ReadFloat());
        });

        WriteOptionalDecimal(ref row, json, "latencyMs", LatencyScale);

        WriteIf(json, "topic", row.ReadOptionalString());
        ReadArray(ref row, json, "errors", static (ref AvroReader row, Utf8JsonWriter json) =>
        {
            json.WriteString("field", row.ReadString());
            json.WriteString("code", row.ReadString());
            json.WriteString("message", row.ReadString());
        });
        json.WriteEndObject();
    }

    /// <summary>An optional decimal (the union <c>["null", decimal]</c>), left out of the JSON when null.</summary>
    private static void WriteOptionalDecimal(ref AvroReader row, Utf8JsonWriter json, string name, int scale)
    {
        if (row.ReadBranch(2) == 1)
        {
            json.WriteNumber(name, row.ReadDecimal(scale));
        }
    }

    /// <summary>An array of records as a JSON array of objects, left out when empty (as the agent's JSON did).</summary>
    private static void ReadArray(ref AvroReader row, Utf8JsonWriter json, string name, ItemReader item)
    {
        var started = false;
        for (var n = row.ReadBlockCount(); n > 0; n = row.ReadBlockCount())
        {
            if (!started)
            {
                json.WriteStartArray(name);
                started = true;
            }

            for (var i = 0; i < n; i++)
            {
                json.WriteStartObject();
                item(ref row, json);
                json.WriteEndObject();
            }
        }

        if (started)
        {
            json.WriteEndArray();
        }
    }

    private static void WriteIf(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}

/// <summary>What a records message says about itself, in its container's metadata (<c>edgeagent.*</c>).</summary>
/// <param name="Source">The agent's name.</param>
/// <param name="Epoch">The database's epoch.</param>
/// <param name="First">The first record's sequence number.</param>
/// <param name="Last">The last record's sequence number.</param>
/// <param name="Count">Records in the batch.</param>
/// <param name="FeatureSampleRate">The share of approved payments whose features the batch carries (reviews and declines always do).</param>
/// <param name="MessageId">The message's id.</param>
public sealed record RecordBatchEnvelope(string Source, string Epoch, long First, long Last, int Count, double FeatureSampleRate, string MessageId)
{
    internal List<KeyValuePair<string, string>> Metadata() =>
    [
        new("avro.schema", RecordBatchFormat.Schema),
        new("avro.codec", "deflate"),
        new("edgeagent.type", "records"),
        new("edgeagent.source", Source),
        new("edgeagent.epoch", Epoch),
        new("edgeagent.first", First.ToString(CultureInfo.InvariantCulture)),
        new("edgeagent.last", Last.ToString(CultureInfo.InvariantCulture)),
        new("edgeagent.count", Count.ToString(CultureInfo.InvariantCulture)),
        new(RecordBatchFormat.SampleRateKey, FeatureSampleRate.ToString("R", CultureInfo.InvariantCulture)),
    ];
}
