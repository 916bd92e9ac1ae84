using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeAgent.Cloud.Buffer;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Records;
using EdgeAgent.Shared.Uplink;
using EdgeAgent.Testing.Emulator;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EdgeAgent.Cloud.Tests.Integration;

/// <summary>The agent against the IoT Hub emulator: delivery, ordering, outages, refusals, token expiry, the twin and methods.</summary>
public sealed class IoTHubSyncTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int CompactPayments = 60;
    private readonly TempDirectory _data = new();
    private readonly IoTHubEmulator _hub = new();
    private readonly int _mqttPort = FreePort.Next();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Records_ReachTheHub_InOrder_WithTheDocumentedProperties()
    {
        await _hub.StartAsync();
        await using var agent = await CloudAgent.StartAsync(_data.Path, _mqttPort, _hub);
        await using var terminal = await TestTerminal.ConnectAsync(_mqttPort);

        await CloudAgent.PayAsync(terminal, "tx", 20);
        await terminal.RequestAsync(Payloads.Topic(), "{\"transactionId\":\"bad\"}"u8.ToArray());

        await Eventually.TrueAsync(() => _hub.RecordSequences().Count == 21, "all 21 outcomes reached the hub", TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(1, 21).Select(i => (long)i), _hub.RecordSequences());
        var message = _hub.Telemetry.First(m => m.Type == "records");
        Assert.Equal("avro/binary", message.Properties["$.ct"]);
        Assert.False(message.Properties.ContainsKey("$.ce"), "an Avro container says its codec itself");
        Assert.Matches("^[0-9a-f]{12}-records-[0-9]+-[0-9]+$", message.MessageId);
        var accepted = Assert.Single(_hub.Connects, c => c.Accepted);
        Assert.StartsWith("SharedAccessSignature sr=test-hub.azure-devices.net%2Fdevices%2Fstore-7&sig=", accepted.Password, StringComparison.Ordinal);
        var items = _hub.Telemetry.Where(m => m.Type == "records").SelectMany(m => m.Items()).ToList();
        var rejected = Assert.Single(items, i => i.GetProperty("status").GetString() == "rejected");
        Assert.NotEmpty(rejected.GetProperty("errors").EnumerateArray());
        var scored = items.First(i => i.GetProperty("status").GetString() == "scored");
        Assert.NotEqual(Payloads.Pan, scored.GetProperty("cardToken").GetString());
        Assert.False(string.IsNullOrEmpty(scored.GetProperty("cardToken").GetString()));
        Assert.DoesNotContain(_hub.Telemetry, m => System.Text.Encoding.UTF8.GetString(m.Text).Contains(Payloads.Pan, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CloudDown_WhileThousandsOfPaymentsFlow_EveryRecordArrivesInOrderWhenItReturns()
    {
        // The hub is down from the start; the drain is paced slowly so that payments flow while it drains.
        await using var agent = await CloudAgent.StartAsync(_data.Path, _mqttPort, _hub,
            "Cloud:MaxMessagesPerSecond=10", "Cloud:MaxItemsPerMessage=100");
        await using var terminal = await TestTerminal.ConnectAsync(_mqttPort);

        await CloudAgent.PayAsync(terminal, "warm-up", 500, concurrency: 4);
        var whileDown = await CloudAgent.PayAsync(terminal, "down", 2000, concurrency: 4);
        // LiteDB, which the cloud buffer reads, takes what was acknowledged within Pipeline:RecordIntervalMilliseconds.
        await Eventually.TrueAsync(() => agent.Cloud().Stream(CloudStream.Records).Unsent == 2500, "every outcome is in the cloud buffer");
        Assert.Empty(_hub.Telemetry);

        await _hub.StartAsync();
        var whileDraining = await CloudAgent.PayAsync(terminal, "drain", 1000, concurrency: 4);
        var backlogDuringDrain = agent.Cloud().Stream(CloudStream.Records).Unsent;
        var drainStarted = DateTime.UtcNow;
        await Eventually.TrueAsync(() => _hub.RecordSequences().Count == 3500, "every record arrived", TimeSpan.FromSeconds(60));
        var drainSeconds = (DateTime.UtcNow - drainStarted).TotalSeconds;
        Assert.Equal(Enumerable.Range(1, 3500).Select(i => (long)i), _hub.RecordSequences());
        var whileUp = await CloudAgent.PayAsync(terminal, "up", 1000, concurrency: 4);
        await Eventually.TrueAsync(() => _hub.RecordSequences().Count == 4500, "live records follow", TimeSpan.FromSeconds(60));

        Assert.Equal(Enumerable.Range(1, 4500).Select(i => (long)i), _hub.RecordSequences());
        AssertInOrder(_hub.Telemetry.Where(m => m.Type == "records").ToList());
        await Eventually.TrueAsync(() => agent.Cloud().Stream(CloudStream.Records).Unsent == 0, "the buffer is empty");
        Assert.Equal(0, agent.Cloud().Stream(CloudStream.Records).Dropped);
        output.WriteLine(
            $"terminal latency median: cloud down {CloudAgent.Median(whileDown):0.00} ms, draining {CloudAgent.Median(whileDraining):0.00} ms, " +
            $"up and idle {CloudAgent.Median(whileUp):0.00} ms; backlog left when the drain-phase payments were done: {backlogDuringDrain}; " +
            $"rest drained in {drainSeconds:0.0} s");
    }

    [Fact]
    public async Task RefusedSends_AreRetried_AndNeverCountedAsSent()
    {
        await _hub.StartAsync();
        _hub.RefuseNext(3);
        await using var agent = await CloudAgent.StartAsync(_data.Path, _mqttPort, _hub);
        await using var terminal = await TestTerminal.ConnectAsync(_mqttPort);

        await CloudAgent.PayAsync(terminal, "tx", 50);

        await Eventually.TrueAsync(() => _hub.RecordSequences().Count == 50, "every record arrived despite the refusals", TimeSpan.FromSeconds(30));
        var status = agent.Cloud();
        await Eventually.TrueAsync(() => status.Stream(CloudStream.Records).Unsent == 0, "nothing left unsent");
        Assert.True(status.SendFailures >= 3, $"failures counted: {status.SendFailures}");
        Assert.Equal(50, status.Stream(CloudStream.Records).SentItems);
        Assert.True(_hub.Connects.Count(c => c.Accepted) >= 2, "the agent reconnected after the hub closed the connection");
    }

    [Fact]
    public async Task TokenExpiry_TheAgentReconnectsWithAFreshToken_AndKeepsSending()
    {
        await _hub.StartAsync();
        await using var agent = await CloudAgent.StartAsync(_data.Path, _mqttPort, _hub, "Cloud:SasTokenLifetimeSeconds=5");
        await using var terminal = await TestTerminal.ConnectAsync(_mqttPort);
        await CloudAgent.PayAsync(terminal, "a", 10);

        await Eventually.TrueAsync(() => _hub.Connects.Count(c => c.Accepted) >= 3, "three connections, each with its own token", TimeSpan.FromSeconds(30));
        await CloudAgent.PayAsync(terminal, "b", 10);

        await Eventually.TrueAsync(() => _hub.RecordSequences().Count == 20, "records sent before and after the renewals arrived", TimeSpan.FromSeconds(30));
        var accepted = _hub.Connects.Where(c => c.Accepted).ToList();
        Assert.Equal(accepted.Count, accepted.Select(c => c.TokenExpiry).Distinct().Count());
        Assert.DoesNotContain(_hub.Connects, c => !c.Accepted);
    }

    [Fact]
    public async Task TwinChange_IsAppliedLive_AndReported()
    {
        await _hub.StartAsync();
        await using var agent = await CloudAgent.StartAsync(_data.Path, _mqttPort, _hub);
        await using var terminal = await TestTerminal.ConnectAsync(_mqttPort);
        await Eventually.TrueAsync(() => !_hub.Reported.IsEmpty, "the agent reported after connecting", TimeSpan.FromSeconds(30));
        var policy = agent.Services.GetRequiredService<DecisionPolicy>();
        var settings = agent.Services.GetRequiredService<CloudRuntimeSettings>();

        var version = await _hub.UpdateDesiredAsync(new JsonObject
        {
            ["decision"] = new JsonObject { ["reviewThreshold"] = 0.0, ["declineThreshold"] = 0.0 },
            ["metricsIntervalSeconds"] = 7,
            ["buffer"] = new JsonObject { ["maxAgeHours"] = 12, ["fullPolicy"] = "DropRecordsFirst" },
        });

        await Eventually.TrueAsync(() => ReportedVersion() == version, "the change was applied and reported", TimeSpan.FromSeconds(30));
        Assert.Equal(0.0, policy.DeclineOverride);
        Assert.Equal(TimeSpan.FromSeconds(7), settings.MetricsInterval);
        Assert.Equal(BufferFullPolicy.DropRecordsFirst, settings.FullPolicy);
        var answer = await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("tx-after-twin"));
        Assert.Equal("decline", Answers.Parse(answer).GetProperty("decision").GetString());

        var refused = await _hub.UpdateDesiredAsync(new JsonObject { ["decision"] = new JsonObject { ["reviewThreshold"] = 0.9, ["declineThreshold"] = 0.1 } });
        await Eventually.TrueAsync(() => ReportedVersion() == refused, "the refusal was reported", TimeSpan.FromSeconds(30));
        Assert.Contains("decision", _hub.Reported.Last()["desired"]!["errors"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0.0, policy.DeclineOverride);

        var restored = await _hub.UpdateDesiredAsync(new JsonObject { ["decision"] = null });
        await Eventually.TrueAsync(() => ReportedVersion() == restored, "the deletion was applied", TimeSpan.FromSeconds(30));
        Assert.Null(policy.DeclineOverride);
    }

    [Fact]
    public async Task GetTelemetry_ReturnsTheLatestSnapshot_AndBadCallsAreRefused()
    {
        await _hub.StartAsync();
        await using var agent = await CloudAgent.StartAsync(_data.Path, _mqttPort, _hub, "Cloud:MetricsIntervalSeconds=3600");
        await using var terminal = await TestTerminal.ConnectAsync(_mqttPort);
        await CloudAgent.PayAsync(terminal, "tx", 12);
        await Eventually.TrueAsync(() => !_hub.Reported.IsEmpty, "the agent is connected", TimeSpan.FromSeconds(30));

        var (status, body) = await _hub.InvokeMethodAsync("GetTelemetry", "{\"history\":5}", TimeSpan.FromSeconds(30));

        Assert.Equal(200, status);
        var latest = body.GetProperty("latest");
        Assert.Equal(12, latest.GetProperty("totals").GetProperty("scored").GetInt64());
        Assert.Equal(12, latest.GetProperty("events").GetProperty("scored").GetInt64());
        Assert.True(latest.GetProperty("latencyMs").GetProperty("request").GetProperty("count").GetInt64() >= 12);
        Assert.Equal("fraud-gbt", latest.GetProperty("agent").GetProperty("model").GetString()![..9]);
        Assert.True(body.TryGetProperty("buffer", out _));

        var (flushStatus, flushed) = await _hub.InvokeMethodAsync("Flush", "{\"waitSeconds\":20}", TimeSpan.FromSeconds(30));
        Assert.Equal(200, flushStatus);
        Assert.True(flushed.GetProperty("flushed").GetBoolean());
        Assert.Contains(_hub.Telemetry, m => m.Type == "metrics");

        Assert.Equal(501, (await _hub.InvokeMethodAsync("Reboot", "{}", TimeSpan.FromSeconds(30))).Status);
        Assert.Equal(400, (await _hub.InvokeMethodAsync("GetTelemetry", "not json", TimeSpan.FromSeconds(30))).Status);
        Assert.Equal(400, (await _hub.InvokeMethodAsync("GetTelemetry", "{\"history\":\"all\"}", TimeSpan.FromSeconds(30))).Status);
    }

    [Fact]
    public async Task BufferCap_DropsTheOldestRecords_CountsThem_AndSendsTheRest()
    {
        await using var agent = await CloudAgent.StartAsync(_data.Path, _mqttPort, _hub, "Cloud:BufferMaxBytes=40000", "Cloud:MetricsIntervalSeconds=3600");
        await using var terminal = await TestTerminal.ConnectAsync(_mqttPort);
        await CloudAgent.PayAsync(terminal, "tx", 300, concurrency: 4);
        var status = agent.Cloud();
        // Every outcome in the buffer or dropped from it before the hub comes back (LiteDB, which the buffer reads, takes what
        // was acknowledged within Pipeline:RecordIntervalMilliseconds).
        await Eventually.TrueAsync(
            () => status.Stream(CloudStream.Records) is var records && records.DroppedFull > 0 && records.DroppedFull + records.Unsent == 300 && status.BufferBytes <= 40_000,
            "the policy dropped records, and every outcome reached the buffer");

        await _hub.StartAsync();
        await Eventually.TrueAsync(() => status.Unsent() == 0, "the rest was sent", TimeSpan.FromSeconds(30));

        var dropped = status.Stream(CloudStream.Records).DroppedFull;
        var received = _hub.RecordSequences();
        Assert.Equal(300 - dropped, received.Count);
        Assert.Equal(Enumerable.Range((int)dropped + 1, (int)(300 - dropped)).Select(i => (long)i), received);
        var reported = _hub.Reported.Last()["sync"]!["dropped"]!["records"]!["full"]!.GetValue<long>();
        Assert.Equal(dropped, reported);
    }

    [Fact]
    public async Task Alerts_GoAheadOfTheRecordsBacklog()
    {
        // Every payment is a review: an alert.
        await using var agent = await CloudAgent.StartAsync(_data.Path, _mqttPort, _hub, "Decision:ReviewThreshold=0", "Decision:DeclineThreshold=1");
        await using var terminal = await TestTerminal.ConnectAsync(_mqttPort);
        await CloudAgent.PayAsync(terminal, "tx", 40);
        await Eventually.TrueAsync(() => agent.Cloud().Stream(CloudStream.Alerts).Unsent == 40, "the alerts were queued while the hub was down");

        await _hub.StartAsync();
        await Eventually.TrueAsync(() => _hub.RecordSequences().Count == 40 && agent.Cloud().Unsent() == 0, "everything arrived", TimeSpan.FromSeconds(30));

        Assert.Equal("alerts", _hub.Telemetry.First().Type);
        var alerts = _hub.Telemetry.Where(m => m.Type == "alerts").SelectMany(m => m.Items()).ToList();
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), alerts.Select(i => i.GetProperty("seq").GetInt64()).Order());

        // An alert is the short form: what a route acts on, with nothing of the card; its whole record follows, and
        // the two agree on what they share.
        var records = _hub.Telemetry.Where(m => m.Type == "records").SelectMany(m => m.Items()).ToDictionary(i => i.GetProperty("seq").GetInt64());
        foreach (var alert in alerts)
        {
            Assert.Equal(
                ["seq", "transactionId", "storeId", "receivedAt", "decision", "score", "model", "modelVersion", "reasons"],
                alert.EnumerateObject().Select(p => p.Name));
            var record = records[alert.GetProperty("seq").GetInt64()];
            foreach (var name in new[] { "transactionId", "storeId", "receivedAt", "decision", "model", "modelVersion" })
            {
                Assert.Equal(record.GetProperty(name).GetString(), alert.GetProperty(name).GetString());
            }

            Assert.Equal("review", alert.GetProperty("decision").GetString());
            Assert.Equal(record.GetProperty("score").GetDouble(), alert.GetProperty("score").GetDouble());
            var codes = record.TryGetProperty("reasons", out var reasons) ? reasons.EnumerateArray().Select(r => r.GetProperty("code").GetString()).ToList() : [];
            Assert.Equal(codes, alert.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ToList());
            Assert.True(record.TryGetProperty("cardToken", out _) && record.TryGetProperty("features", out _), "the record carries the card and the features");
            Assert.True(alert.GetRawText().Length * 2 < record.GetRawText().Length, $"an alert of {alert.GetRawText().Length} bytes for a record of {record.GetRawText().Length}");
        }
    }

    private long ReportedVersion() =>
        _hub.Reported.LastOrDefault()?["desired"]?["version"]?.GetValue<long>() ?? -1;

    /// <summary>Each message's items ascend, and each message starts after the one before (a resend repeats it whole).</summary>
    private static void AssertInOrder(List<HubMessage> messages)
    {
        long last = 0;
        string? lastId = null;
        foreach (var message in messages)
        {
            var sequences = message.Items().Select(i => i.GetProperty("seq").GetInt64()).ToList();
            Assert.Equal(sequences.Order(), sequences);
            if (message.MessageId == lastId)
            {
                continue;
            }

            Assert.True(sequences[0] > last, $"message {message.MessageId} starts at {sequences[0]}, after {last}");
            last = sequences[^1];
            lastId = message.MessageId;
        }
    }

    [Fact]
    public async Task Records_in_avro_batches_keep_every_field_the_cloud_needs_and_the_features_of_alerts_and_the_sample()
    {
        // Records through the hub in their Avro batches: what the cloud reads back, with the one shared reader, is what
        // the agent recorded, field by field; the features of every alert and of the approvals in the sample, while the
        // local record keeps all of them.
        await _hub.StartAsync();
        await using var agent = await CloudAgent.StartAsync(_data.Path, _mqttPort, _hub, "Cloud:RecordBatchSeconds=1", "Cloud:FeatureSampleRate=0.5");
        await using var terminal = await TestTerminal.ConnectAsync(_mqttPort);

        await CloudAgent.PayAsync(terminal, "tx", CompactPayments, concurrency: 4);
        await terminal.RequestAsync(Payloads.Topic(), "{\"transactionId\":\"bad\",\"amount\":-1}"u8.ToArray());

        await Eventually.TrueAsync(() => _hub.RecordSequences().Count == CompactPayments + 1, "every record reached the hub", TimeSpan.FromSeconds(60));
        var messages = _hub.Telemetry.Where(m => m.Type == "records").ToList();
        foreach (var message in messages)
        {
            Assert.False(message.Properties.ContainsKey("$.ce"), "an Avro container says its codec itself");
            Assert.Equal("avro/binary", message.Properties["$.ct"]);
            Assert.True(RecordBatchFormat.IsContainer(message.Body), "the body is an Avro container");
            var envelope = message.Json;
            Assert.Equal(0.5, envelope.GetProperty("featureSampleRate").GetDouble());
            Assert.Equal(
                $"{envelope.GetProperty("epoch").GetString()}-records-{envelope.GetProperty("first").GetInt64()}-{envelope.GetProperty("last").GetInt64()}",
                message.MessageId);
        }

        var recorded = agent.Services.GetRequiredService<IOutcomeLog>().ReadAfter(0, 1000).ToDictionary(r => r.Sequence);
        var items = messages.SelectMany(m => m.Items()).ToList();
        Assert.Equal(CompactPayments + 1, items.Count);
        var withFeatures = 0;
        foreach (var item in items)
        {
            var record = recorded[item.GetProperty("seq").GetInt64()];
            Assert.Equal(record.Status, item.GetProperty("status").GetString());
            Assert.Equal(record.TransactionId, Text(item, "transactionId"));
            Assert.Equal(record.StoreId, Text(item, "storeId"));
            Assert.Equal(record.TerminalId, Text(item, "terminalId"));
            Assert.Equal(record.ReceivedAt, item.GetProperty("receivedAt").GetDateTimeOffset());
            if (record.Status == "rejected")
            {
                Assert.Equal(record.Topic, Text(item, "topic"));
                Assert.Equal(record.Errors.Select(e => e.Code), item.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()));
                continue;
            }

            Assert.Equal(record.EventTime, item.GetProperty("eventTime").GetDateTimeOffset());
            Assert.Equal(record.EventTime!.Value.Offset, item.GetProperty("eventTime").GetDateTimeOffset().Offset);
            Assert.Equal(record.Amount, item.GetProperty("amount").GetDecimal());
            Assert.Equal(record.Currency, Text(item, "currency"));
            Assert.Equal(record.CardToken, Text(item, "cardToken"));
            Assert.Equal(record.Mcc, Text(item, "mcc"));
            Assert.Equal(record.Channel, Text(item, "channel"));
            Assert.Equal(record.MerchantId, Text(item, "merchantId"));
            Assert.Equal(record.Location!.Value.Latitude, item.GetProperty("location").GetProperty("lat").GetDouble());
            Assert.Equal(record.Location!.Value.Longitude, item.GetProperty("location").GetProperty("lon").GetDouble());
            Assert.Equal(record.Decision, Text(item, "decision"));
            Assert.Equal(record.Model, Text(item, "model"));
            Assert.Equal(record.ModelVersion, Text(item, "modelVersion"));

            // Scores go to six decimals, features to three, the latency to a hundredth of a millisecond.
            Assert.Equal(record.Score!.Value, item.GetProperty("score").GetDouble(), 0.00000051);
            Assert.Equal(record.LatencyMs, item.GetProperty("latencyMs").GetDouble(), 0.0051);
            Assert.NotNull(record.Features);
            Assert.Equal(record.IsAlert || RecordAvro.InSample(record.TransactionId, 0.5), item.TryGetProperty("features", out var sent));
            if (sent.ValueKind == JsonValueKind.Undefined)
            {
                continue;
            }

            withFeatures++;
            var features = sent.EnumerateArray().Select(f => f.GetDouble()).ToArray();
            Assert.Equal(record.Features.Length, features.Length);
            for (var i = 0; i < features.Length; i++)
            {
                Assert.Equal(record.Features[i], features[i], 0.00051);
            }
        }

        // Half the approvals: some sent with their features and some without (60 payments leave either at 2⁻⁵⁰).
        Assert.InRange(withFeatures, 1, CompactPayments - 1);
    }

    private static string? Text(JsonElement item, string name) => item.TryGetProperty(name, out var value) ? value.GetString() : null;
}
