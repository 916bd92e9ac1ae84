using System.Text.Json;
using Avro;
using Avro.File;
using Avro.Generic;
using EdgeAgent.Cloud.Buffer;
using EdgeAgent.Cloud.Transport;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Records;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Shared.Uplink;

namespace EdgeAgent.Cloud.Tests.Unit;

/// <summary>
/// The records batch as the cloud gets it: an Avro container that the standard Avro reader (Apache.Avro, as Stream
/// Analytics, Spark and avro-tools would) opens field for field, the agent's own reader turns into the JSON batch, and
/// that carries the features of every alert and of the sampled approvals only.
/// </summary>
public sealed class RecordBatchFormatTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 10, 15, 0, 123, TimeSpan.Zero);

    [Fact]
    public void The_standard_avro_reader_reads_every_field_of_a_batch_as_the_agent_recorded_it()
    {
        var records = new[] { Approved(1, "tx-a"), Reviewed(2), Rejected(3) };
        var format = new MessageFormat("store-7", "3f9c2a71be04", 240_000, 1000, featureSampleRate: 1.0);
        var message = format.Build(CloudStream.Records, records.Select(r => new EncodedItem(r.Sequence, format.Rows.Encode(r), r.ReceivedAt)).ToList(), 3);

        Assert.Equal("avro/binary", message.ContentType);
        Assert.Null(message.ContentEncoding);
        using var reader = DataFileReader<GenericRecord>.OpenReader(new MemoryStream(message.Body));
        Assert.Equal("deflate", reader.GetMetaString("avro.codec"));
        Assert.Equal("store-7", reader.GetMetaString("edgeagent.source"));
        Assert.Equal("1", reader.GetMetaString("edgeagent.first"));
        Assert.Equal("3", reader.GetMetaString("edgeagent.last"));
        Assert.Equal("1", reader.GetMetaString(RecordBatchFormat.SampleRateKey));
        var read = reader.NextEntries.ToList();
        Assert.Equal(3, read.Count);

        var approved = read[0];
        Assert.Equal(1L, approved["seq"]);
        Assert.Equal("tx-a", approved["transactionId"]);
        Assert.Equal("k1.M9oIJsPHtB6UKuwjvhRP2gw1", approved["cardToken"]);
        Assert.Equal(At.UtcDateTime, approved["receivedAt"]);
        Assert.Equal(At.AddSeconds(-1).UtcDateTime, approved["eventTime"]);
        Assert.Equal(60, approved["eventOffsetMinutes"]);
        Assert.Equal(25.07m, (decimal)(AvroDecimal)approved["amount"]);
        Assert.Equal(48.856613m, (decimal)(AvroDecimal)((GenericRecord)approved["location"])["lat"]);
        Assert.Equal(0.021338m, (decimal)(AvroDecimal)approved["score"]);
        Assert.Equal(new object?[] { 3219, 0, 1000, -1500, null }, (object[])approved["features"]);
        Assert.Equal(1.41m, (decimal)(AvroDecimal)approved["latencyMs"]);
        Assert.Empty((object[])approved["reasons"]);

        var reviewed = read[1];
        var reason = (GenericRecord)((object[])reviewed["reasons"])[0];
        Assert.Equal("high_amount", reason["code"]);
        Assert.Equal(0.75f, reason["value"]);

        var rejected = read[2];
        Assert.Equal("rejected", rejected["status"]);
        Assert.Null(rejected["cardToken"]);
        Assert.Null(rejected["latencyMs"]);
        Assert.Equal("out_of_range", ((GenericRecord)((object[])rejected["errors"])[0])["code"]);
    }

    [Fact]
    public void The_agents_reader_gives_back_the_json_batch_with_the_same_names_and_values()
    {
        var records = new[] { Approved(1, "tx-a"), Reviewed(2), Rejected(3) };
        var format = new MessageFormat("store-7", "3f9c2a71be04", 240_000, 1000, featureSampleRate: 1.0);
        var message = format.Build(CloudStream.Records, records.Select(r => new EncodedItem(r.Sequence, format.Rows.Encode(r), r.ReceivedAt)).ToList(), 3);

        var batch = JsonDocument.Parse(UplinkPayload.Open(message.Body)).RootElement;
        Assert.Equal($"{batch.GetProperty("epoch").GetString()}-records-1-3", message.MessageId);
        Assert.Equal(3, batch.GetProperty("count").GetInt32());
        var items = batch.GetProperty("items").EnumerateArray().ToList();
        var approved = items[0];
        Assert.Equal(At, approved.GetProperty("receivedAt").GetDateTimeOffset());
        Assert.Equal(TimeSpan.FromHours(1), approved.GetProperty("eventTime").GetDateTimeOffset().Offset);
        Assert.Equal(25.07m, approved.GetProperty("amount").GetDecimal());
        Assert.Equal(2.352222, approved.GetProperty("location").GetProperty("lon").GetDouble());
        Assert.Equal([3.219, 0, 1, -1.5], approved.GetProperty("features").EnumerateArray().Take(4).Select(f => f.GetDouble()));
        Assert.Equal(JsonValueKind.Null, approved.GetProperty("features")[4].ValueKind);
        Assert.Equal("high_amount", items[1].GetProperty("reasons")[0].GetProperty("code").GetString());
        Assert.Equal("amount", items[2].GetProperty("errors")[0].GetProperty("field").GetString());

        // The same records under the same id are the same bytes: a resend after a restart is the message the cloud saw.
        var again = format.Build(CloudStream.Records, records.Select(r => new EncodedItem(r.Sequence, format.Rows.Encode(r), r.ReceivedAt)).ToList(), 3);
        Assert.Equal(message.Body, again.Body);
    }

    [Fact]
    public void Alerts_always_carry_their_features_and_approvals_only_when_their_transaction_id_is_in_the_sample()
    {
        var format = new MessageFormat("store-7", "e", 240_000, 1000, featureSampleRate: 0.25);
        var records = Enumerable.Range(1, 400).Select(i => i % 10 == 0 ? Reviewed(i) : Approved(i, $"tx-{i}")).ToList();
        var message = format.Build(CloudStream.Records, records.Select(r => new EncodedItem(r.Sequence, format.Rows.Encode(r), r.ReceivedAt)).ToList(), records.Count);

        var batch = JsonDocument.Parse(UplinkPayload.Open(message.Body)).RootElement;
        Assert.Equal(0.25, batch.GetProperty("featureSampleRate").GetDouble());
        var kept = 0;
        foreach (var item in batch.GetProperty("items").EnumerateArray())
        {
            var record = records[(int)item.GetProperty("seq").GetInt64() - 1];
            var expected = record.IsAlert || RecordAvro.InSample(record.TransactionId, 0.25);
            Assert.Equal(expected, item.TryGetProperty("features", out _));
            kept += !record.IsAlert && expected ? 1 : 0;
        }

        // 360 approvals at a quarter: far from none and from all (a hash that kept everything or nothing fails here).
        Assert.InRange(kept, 50, 130);
        Assert.False(RecordAvro.InSample("tx-1", 0));
        Assert.True(RecordAvro.InSample("tx-1", 1));
    }

    [Fact]
    public void A_cut_off_container_is_corrupt_and_one_that_inflates_past_the_cap_is_refused()
    {
        var format = new MessageFormat("store-7", "e", 240_000, 1000, featureSampleRate: 1.0);
        var message = format.Build(CloudStream.Records, [new EncodedItem(1, format.Rows.Encode(Approved(1, "tx-a")), At)], 1);
        Assert.Equal(UplinkOpenResult.Corrupt, UplinkPayload.TryOpen(message.Body.AsMemory(0, message.Body.Length - 20), UplinkPayload.MaxInflatedBytes, out _));

        // One row of 8 MiB of zeros deflates to a few KB and would inflate past the 4 MiB cap.
        var bomb = RecordBatchFormat.Write(new RecordBatchEnvelope("store-7", "e", 1, 1, 1, 1, "e-records-1-1"), [new byte[8 << 20]], 1);
        Assert.True(bomb.Length < 64 * 1024, $"{bomb.Length} bytes");
        Assert.Equal(UplinkOpenResult.TooLarge, UplinkPayload.TryOpen(bomb, UplinkPayload.MaxInflatedBytes, out _));
    }

    private static RecordedOutcome Approved(long sequence, string transactionId) => new()
    {
        Sequence = sequence,
        Status = "scored",
        TransactionId = transactionId,
        StoreId = "s-12",
        TerminalId = "t-3",
        ReceivedAt = At,
        EventTime = At.AddSeconds(-1).ToOffset(TimeSpan.FromHours(1)),
        Amount = 25.07m,
        Currency = "EUR",
        CardToken = "k1.M9oIJsPHtB6UKuwjvhRP2gw1",
        Mcc = "5411",
        Channel = "pos",
        MerchantId = "m-1",
        Location = new GeoPoint(48.856613, 2.352222),
        Features = [3.2188f, 0f, 1f, -1.5f, float.NaN],
        Score = 0.0213384,
        Decision = "approve",
        Model = "fraud-gbt",
        ModelVersion = "1.0.0",
        LatencyMs = 1.4071,
    };

    private static RecordedOutcome Reviewed(long sequence) => Approved(sequence, $"tx-{sequence}") with
    {
        Decision = "review",
        Score = 0.912338,
        Reasons = [new Reason("high_amount", "log_amount", 0.75f, 0.31f)],
    };

    private static RecordedOutcome Rejected(long sequence) => new()
    {
        Sequence = sequence,
        Status = "rejected",
        TransactionId = "bad",
        ReceivedAt = At,
        Topic = "pos/s-12/t-3/payments",
        Errors = [new ValidationError("amount", "out_of_range", "amount is greater than zero")],
    };
}
