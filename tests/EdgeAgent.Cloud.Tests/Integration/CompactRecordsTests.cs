using System.Text.Json;
using EdgeAgent.Cloud.Tests.Emulator;
using EdgeAgent.Core.Records;
using EdgeAgent.IntegrationTests.Infrastructure;
using EdgeAgent.Shared.Uplink;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAgent.Cloud.Tests.Integration;

/// <summary>
/// Records through the IoT Hub emulator in their compressed batches: what the cloud reads back, with the one shared
/// reader, is what the agent recorded, field by field.
/// </summary>
public sealed class CompactRecordsTests : IAsyncLifetime
{
    private const int Payments = 60;
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
    public async Task Records_gather_into_one_compressed_batch_and_every_field_the_cloud_needs_survives()
    {
        // The records gather until a full message waits (the gathering time is out of reach): one message of all of them.
        await _hub.StartAsync();
        await using var agent = await CloudAgent.StartAsync(_data.Path, _mqttPort, _hub,
            "Cloud:RecordBatchSeconds=600", $"Cloud:MaxItemsPerMessage={Payments + 1}");
        await using var terminal = await TestTerminal.ConnectAsync(_mqttPort);

        await CloudAgent.PayAsync(terminal, "tx", Payments, concurrency: 4);
        await terminal.RequestAsync(Payloads.Topic(), "{\"transactionId\":\"bad\",\"amount\":-1}"u8.ToArray());

        await Eventually.TrueAsync(() => _hub.RecordSequences().Count == Payments + 1, "every record reached the hub", TimeSpan.FromSeconds(60));
        var message = Assert.Single(_hub.Telemetry, m => m.Type == "records");
        Assert.Equal("gzip", message.Properties["$.ce"]);
        Assert.Equal("application/json", message.Properties["$.ct"]);
        Assert.True(UplinkPayload.IsCompressed(message.Body), "the body is gzip");
        Assert.True(message.Body.Length * 4 < message.Text.Length, $"{message.Body.Length} bytes for {message.Text.Length} bytes of JSON");
        var envelope = message.Json;
        Assert.Equal($"{envelope.GetProperty("epoch").GetString()}-records-1-{Payments + 1}", message.MessageId);

        var recorded = agent.Services.GetRequiredService<IOutcomeLog>().ReadAfter(0, 1000).ToDictionary(r => r.Sequence);
        var items = message.Items();
        Assert.Equal(Payments + 1, items.Count);
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

            // Scores go to six decimals, features to four, the latency to a hundredth of a millisecond.
            Assert.Equal(record.Score!.Value, item.GetProperty("score").GetDouble(), 0.0000005);
            Assert.Equal(record.LatencyMs, item.GetProperty("latencyMs").GetDouble(), 0.005);
            var features = item.GetProperty("features").EnumerateArray().Select(f => f.GetDouble()).ToArray();
            Assert.Equal(record.Features!.Length, features.Length);
            for (var i = 0; i < features.Length; i++)
            {
                Assert.Equal(record.Features[i], features[i], 0.00005);
            }
        }
    }

    private static string? Text(JsonElement item, string name) => item.TryGetProperty(name, out var value) ? value.GetString() : null;
}
