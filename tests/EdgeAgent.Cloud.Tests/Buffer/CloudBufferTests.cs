using System.Text.Json;
using EdgeAgent.Cloud.Buffer;
using EdgeAgent.Shared.Uplink;

namespace EdgeAgent.Cloud.Tests.Buffer;

/// <summary>
/// The buffer over a log and the queues in a real LiteDB file: batching, resends after a restart, the limits and the
/// policy when full, retention.
/// </summary>
public sealed class CloudBufferTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeLog _log = new();
    private readonly BufferFile _file = new();

    public void Dispose() => _file.Dispose();

    private CloudBuffer Open(int maxBytes = 240_000, int maxItems = 1000) =>
        _file.Open(_log, new CloudOptions { MaxMessageBytes = maxBytes, MaxItemsPerMessage = maxItems });

    private static byte[] Snapshot(int bytes) => System.Text.Encoding.UTF8.GetBytes("{\"x\":\"" + new string('a', bytes - 8) + "\"}");

    [Fact]
    public void Messages_StayUnderTheSizeLimit_AndHoldEveryRecordOnce()
    {
        _log.Add(500, Now);
        var buffer = Open(maxBytes: 8192);
        var seen = new List<long>();

        while (buffer.Next() is { } message)
        {
            Assert.True(message.Body.Length <= 8192, $"{message.Body.Length} bytes");
            var json = JsonDocument.Parse(UplinkPayload.Open(message.Body)).RootElement;
            Assert.Equal("records", json.GetProperty("type").GetString());
            Assert.Equal(message.Count, json.GetProperty("count").GetInt32());
            seen.AddRange(json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("seq").GetInt64()));
            buffer.Acknowledge(message, Now);
        }

        Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), seen);
        Assert.Equal(0, buffer.Records.Depth);
        Assert.Equal(500, buffer.Records.State.SentItems);
    }

    [Fact]
    public void ABatchThatCompressesPastTheLimit_Splits_AndEveryRecordGoesOnceUnderIdsThatNameIt()
    {
        _log.AddVaried(3000, Now);
        var buffer = Open(maxBytes: 16_384);
        var seen = new List<long>();
        var jsonBytes = new List<int>();
        var messages = 0;

        while (buffer.Next() is { } message)
        {
            Assert.True(message.Compressed);
            Assert.True(message.Body.Length <= 16_384, $"{message.Body.Length} bytes");
            var text = UplinkPayload.Open(message.Body);
            var items = JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("seq").GetInt64()).ToList();
            jsonBytes.Add(text.Length);
            Assert.Equal(message.Count, items.Count);
            Assert.EndsWith($"-records-{items[0]}-{items[^1]}", message.MessageId, StringComparison.Ordinal);
            seen.AddRange(items);
            buffer.Acknowledge(message, Now);
            messages++;
        }

        Assert.Equal(Enumerable.Range(1, 3000).Select(i => (long)i), seen);
        Assert.True(messages >= 3000 / 1000 * 2, $"{messages} messages: the 1,000-record batches were split");

        // Every message but the last carried more JSON than the limit: the limit is on the wire, not on the JSON.
        Assert.All(jsonBytes[..^1], bytes => Assert.True(bytes > 16_384, $"{bytes} bytes of JSON"));
    }

    [Fact]
    public void AfterARestart_TheUnacknowledgedMessageIsResentWholeUnderTheSameId()
    {
        _log.Add(30, Now);
        var first = Open(maxItems: 50).Next()!;

        _log.Add(30, Now); // more records arrive before the restart
        var again = Open(maxItems: 50).Next()!;

        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal(first.Body, again.Body);
        Assert.Equal(30, again.Count);
    }

    [Fact]
    public void AMessageNotAcknowledged_IsNotCountedAsSent()
    {
        _log.Add(10, Now);
        var buffer = Open();

        var message = buffer.Next()!;

        Assert.Same(message, buffer.Next());
        Assert.Equal(10, buffer.Records.Depth);
        Assert.Equal(0, buffer.Records.State.SentItems);
    }

    [Fact]
    public void WhenFull_DropMetricsFirst_DropsTheOldestSnapshotsBeforeAnyRecord()
    {
        _log.Add(100, Now);
        var buffer = Open();
        for (var id = 1; id <= 10; id++)
        {
            buffer.Metrics.Append(id, Now, Snapshot(1000));
        }

        var recordBytes = buffer.Records.Bytes;
        var dropped = buffer.EnforceLimits(Now, TimeSpan.FromDays(1), recordBytes + 3500, BufferFullPolicy.DropMetricsFirst);

        Assert.Equal(7, dropped);
        Assert.Equal(7, buffer.Metrics.State.DroppedFull);
        Assert.Equal(3, buffer.Metrics.Depth);
        Assert.Equal(100, buffer.Records.Depth);
        Assert.Equal(8, JsonDocument.Parse(UplinkPayload.Open(buffer.Metrics.Next()!.Body)).RootElement.GetProperty("first").GetInt64());
    }

    [Fact]
    public void WhenFull_DropRecordsFirst_MovesPastTheOldestRecords_AndCountsThem()
    {
        _log.Add(100, Now);
        var buffer = Open();
        buffer.Metrics.Append(1, Now, Snapshot(1000));
        var half = buffer.Records.Bytes / 2;

        buffer.EnforceLimits(Now, TimeSpan.FromDays(1), half + 1000, BufferFullPolicy.DropRecordsFirst);

        Assert.Equal(1, buffer.Metrics.Depth);
        Assert.InRange(buffer.Records.State.DroppedFull, 45, 55);
        Assert.Equal(100 - buffer.Records.State.DroppedFull, buffer.Records.Depth);
        Assert.Equal(buffer.Records.State.DroppedFull + 1, buffer.Records.Next()!.First);
    }

    [Fact]
    public void DroppingPastAMessageInFlight_DropsAllOfIt_SoNoIdIsReusedForLess()
    {
        _log.Add(100, Now);
        var buffer = Open(maxItems: 40);
        var inFlight = buffer.Next()!;

        buffer.EnforceLimits(Now, TimeSpan.FromDays(1), buffer.Records.Bytes - 100, BufferFullPolicy.DropRecordsFirst);

        Assert.Equal(40, buffer.Records.State.DroppedFull);
        Assert.NotEqual(inFlight.MessageId, buffer.Next()!.MessageId);
        Assert.Equal(41, buffer.Next()!.First);
    }

    [Fact]
    public void RecordsOlderThanTheAgeLimit_AreDroppedAsExpired()
    {
        _log.Add(20, Now - TimeSpan.FromHours(10));
        _log.Add(5, Now);
        var buffer = Open();

        buffer.EnforceLimits(Now, TimeSpan.FromHours(1), long.MaxValue, BufferFullPolicy.DropMetricsFirst);

        Assert.Equal(20, buffer.Records.State.DroppedExpired);
        Assert.Equal(5, buffer.Records.Depth);
        Assert.Equal(Now, buffer.Records.Oldest);
    }

    [Fact]
    public void Retention_DeletesOnlyWhatIsSentAndOlderThanTheDeduplicationWindow()
    {
        _log.Add(10, Now - TimeSpan.FromHours(50));
        _log.Add(10, Now - TimeSpan.FromHours(1));
        var buffer = Open(maxItems: 15);
        buffer.Acknowledge(buffer.Next()!, Now); // 1..15 sent

        while (buffer.Retention.RunOnce(Now, buffer.Records.State.Checkpoint) > 0)
        {
        }

        Assert.Equal(Enumerable.Range(11, 10).Select(i => (long)i), _log.All.Select(r => r.Sequence));
    }

    [Fact]
    public void Retention_StopsAtTheJournal_AndTakesTheRestLater()
    {
        _log.Add(10, Now - TimeSpan.FromHours(50));
        _log.Snapshot = 4;
        var buffer = Open();
        buffer.Acknowledge(buffer.Next()!, Now);

        buffer.Retention.RunOnce(Now, buffer.Records.State.Checkpoint);
        Assert.Equal(5, _log.All[0].Sequence);

        _log.Snapshot = 10;
        buffer.Retention.RunOnce(Now, buffer.Records.State.Checkpoint);
        Assert.Empty(_log.All);
    }

    [Fact]
    public void Alerts_AreQueuedFromTheLog_AndGoFirst()
    {
        _log.Add(5, Now);
        _log.Add(2, Now, "decline");
        var buffer = Open();

        while (buffer.Scanner.ScanOnce() >= 0)
        {
        }

        var first = buffer.Next()!;
        Assert.Equal(CloudStream.Alerts, first.Stream);
        Assert.Equal((6, 7), (first.First, first.Last));
    }

    [Fact]
    public void TheScanner_WritesItsPositionWithTheAlertsItQueued_NotAfterEveryCommit_AndARestartQueuesNoAlertAgain()
    {
        var buffer = Open();
        _log.Add(3, Now);
        var writes = _file.File.Writes;
        while (buffer.Scanner.ScanOnce() >= 0)
        {
        }

        // Approvals only: the scan moved on without a LiteDB transaction of its own.
        Assert.Equal(writes, _file.File.Writes);

        _log.Add(2, Now, "decline");
        while (buffer.Scanner.ScanOnce() >= 0)
        {
        }

        var alerts = buffer.Next()!;
        Assert.Equal((CloudStream.Alerts, 4L, 5L), (alerts.Stream, alerts.First, alerts.Last));
        buffer.Acknowledge(alerts, Now);
        _log.Add(3, Now);
        while (buffer.Scanner.ScanOnce() >= 0)
        {
        }

        // After a restart the scan starts past the alerts it queued and sent, though not past the approvals after them.
        var restarted = Open();
        Assert.Equal(5, restarted.Scanner.Scanned);
        while (restarted.Scanner.ScanOnce() >= 0)
        {
        }

        Assert.Equal(0, restarted.Alerts.Depth);
        Assert.Equal(8, restarted.Scanner.Scanned);
    }
}
