using EdgeAgent.Cloud.Buffer;
using EdgeAgent.Storage.Files;
using LiteDB;

namespace EdgeAgent.Cloud.Tests.Buffer;

/// <summary>
/// The buffer's collections in the agent's LiteDB file: the documents keep the layout earlier versions wrote, so a node
/// updated with a backlog sends it on; and every operation goes through the file, so a reopen after an I/O failure leaves
/// the buffer working.
/// </summary>
public sealed class StoredLayoutTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeLog _log = new();
    private readonly BufferFile _buffer = new();

    private LiteDbFile File => _buffer.File;

    public void Dispose() => _buffer.Dispose();

    [Fact]
    public void ABacklogWrittenInTheStoredLayout_IsResumedWhereItStood()
    {
        _log.Add(20, Now);
        File.Write(db =>
        {
            var state = db.GetCollection("cloud_state");
            state.Insert(new BsonDocument { ["_id"] = "epoch", ["v"] = "0123456789ab" });
            state.Insert(new BsonDocument
            {
                ["_id"] = "records",
                ["cp"] = 5L,
                ["if"] = 6L,
                ["it"] = 9L,
                ["si"] = 5L,
                ["sm"] = 1L,
                ["df"] = 0L,
                ["de"] = 0L,
                ["ls"] = Now.UtcDateTime,
            });
            var metrics = db.GetCollection("cloud_metrics");
            metrics.Insert(new BsonDocument { ["_id"] = 3L, ["at"] = Now.UtcDateTime, ["j"] = "{\"n\":3}"u8.ToArray() });
            metrics.Insert(new BsonDocument { ["_id"] = 4L, ["at"] = Now.UtcDateTime, ["j"] = "{\"n\":4}"u8.ToArray() });
            return 0;
        });

        var buffer = Open();

        Assert.Equal(2, buffer.Metrics.Depth);
        Assert.Equal(14, buffer.Metrics.Bytes);
        Assert.Equal(Now, buffer.Metrics.Oldest);
        Assert.Equal(Now, buffer.Records.State.LastSentAt);
        var metricsMessage = buffer.Next()!;
        Assert.Equal((CloudStream.Metrics, 3L, 4L), (metricsMessage.Stream, metricsMessage.First, metricsMessage.Last));
        Assert.Equal("0123456789ab-metrics-3-4", metricsMessage.MessageId);
        buffer.Acknowledge(metricsMessage, Now);

        var inFlight = buffer.Next()!;
        Assert.Equal((CloudStream.Records, 6L, 9L), (inFlight.Stream, inFlight.First, inFlight.Last));
    }

    [Fact]
    public void WhatTheBufferWrites_KeepsTheStoredLayout()
    {
        _log.Add(3, Now);
        var buffer = Open();
        buffer.Alerts.Append(2, Now, "{\"a\":2}"u8.ToArray());
        buffer.Acknowledge(buffer.Next()!, Now);

        var (alert, state, epoch) = File.Read(db => (
            db.GetCollection("cloud_alerts").FindAll().ToList(),
            db.GetCollection("cloud_state").FindById("alerts"),
            db.GetCollection("cloud_state").FindById("epoch")));

        Assert.Empty(alert);
        Assert.Equal(12, epoch["v"].AsString.Length);
        Assert.Equal(1, state["si"].AsInt64);
        Assert.Equal(1, state["sm"].AsInt64);
        Assert.Equal(0, state["if"].AsInt64);
        Assert.Equal(Now.UtcDateTime, state["ls"].AsDateTime.ToUniversalTime());

        buffer.Metrics.Append(7, Now, "{\"m\":7}"u8.ToArray());
        var metric = File.Read(db => db.GetCollection("cloud_metrics").FindById(7));
        Assert.Equal(Now.UtcDateTime, metric["at"].AsDateTime.ToUniversalTime());
        Assert.Equal("{\"m\":7}"u8.ToArray(), metric["j"].AsBinary);
    }

    [Fact]
    public void AfterTheFileIsReopened_TheBufferGoesOnThroughTheNewDatabase()
    {
        _log.Add(2, Now, "decline");
        var buffer = Open();

        // An I/O failure anywhere in the agent makes the file close and reopen its database.
        _ = File.Unavailable(new IOException("simulated write failure"));

        Assert.Equal(2, buffer.Scanner.ScanOnce());
        var alerts = buffer.Next()!;
        Assert.Equal((CloudStream.Alerts, 1L, 2L), (alerts.Stream, alerts.First, alerts.Last));
        buffer.Acknowledge(alerts, Now);
        Assert.Equal(0, buffer.Alerts.Depth);
        Assert.Equal(2, Open().Alerts.State.SentItems);
    }

    private CloudBuffer Open() => _buffer.Open(_log);
}
