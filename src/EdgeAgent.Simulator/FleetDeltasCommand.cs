using System.Buffers;
using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeAgent.Core.Fleet;
using EdgeAgent.Core.Tokenization;
using EdgeAgent.Hosting;
using Microsoft.Extensions.Configuration;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeAgent.Simulator;

/// <summary>
/// <c>EdgeAgent.Simulator fleet-deltas --FleetLoad:KeyFingerprint=... --FleetLoad:Port=...</c>: stores that send the fleet
/// card deltas as fast as it receipts them, each with <see cref="FleetLoadOptions.InFlight"/> messages outstanding, and the
/// deltas per second the fleet recorded (counted from its receipts: a delta counts once the fleet has written it).
/// </summary>
public static class FleetDeltasCommand
{
    public static async Task<int> RunAsync(string[] settings)
    {
        var configuration = AgentConfiguration.Build(settings);
        var options = new FleetLoadOptions();
        configuration.GetSection(FleetLoadOptions.SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);

        // Tokens shaped as the stores' own (keyed hashes of card numbers under a fleet key); the fleet sees no difference.
        var tokenizer = new CardTokenizer(RandomNumberGenerator.GetBytes(32), "k1");
        var cards = Enumerable.Range(0, options.Cards)
            .Select(i => tokenizer.Tokenize(Encoding.ASCII.GetBytes("4" + i.ToString("d15", CultureInfo.InvariantCulture))))
            .ToArray();
        var run = new FleetDeltasRun(options, cards);
        var report = await run.RunAsync();
        Console.WriteLine(report);
        if (options.ReportFile is { Length: > 0 } file)
        {
            await File.WriteAllTextAsync(file, report);
        }

        return run.Failed ? 1 : 0;
    }

    private sealed class FleetDeltasRun(FleetLoadOptions options, string[] cards)
    {
        private readonly ConcurrentDictionary<string, (TaskCompletionSource<Dictionary<string, int>> Receipt, long Sent)> _waiting = new(StringComparer.Ordinal);
        private readonly Core.Telemetry.LatencyHistogram _latency = new();
        private long _recorded;
        private long _other;
        private long _messages;
        private long _bytes;
        private long _timeouts;
        private long _sequence;

        public bool Failed { get; private set; }

        public async Task<string> RunAsync()
        {
            var clients = new List<IMqttClient>();
            try
            {
                for (var i = 1; i <= options.Stores; i++)
                {
                    clients.Add(await ConnectAsync(options.StorePrefix + i.ToString(CultureInfo.InvariantCulture)));
                }

                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(options.Seconds));
                var started = Stopwatch.GetTimestamp();
                var senders = clients.SelectMany((client, i) => Enumerable.Range(0, options.InFlight)
                    .Select(_ => Task.Run(() => SendAsync(client, options.StorePrefix + (i + 1).ToString(CultureInfo.InvariantCulture), stop.Token)))).ToArray();
                await Task.WhenAll(senders);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
                var recorded = Interlocked.Read(ref _recorded);
                var snapshot = _latency.Snapshot();
                Failed = recorded == 0;
                return JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["stores"] = options.Stores,
                    ["inFlightPerStore"] = options.InFlight,
                    ["batchDeltas"] = options.BatchDeltas,
                    ["cards"] = options.Cards,
                    ["seconds"] = Math.Round(elapsed, 2),
                    ["deltasRecorded"] = recorded,
                    ["deltasOther"] = Interlocked.Read(ref _other),
                    ["deltasPerSecond"] = Math.Round(recorded / elapsed, 1),
                    ["messages"] = Interlocked.Read(ref _messages),
                    ["receiptTimeouts"] = Interlocked.Read(ref _timeouts),
                    ["bytesPerDelta"] = Math.Round((double)Interlocked.Read(ref _bytes) / Math.Max(1, Interlocked.Read(ref _messages) * options.BatchDeltas), 1),
                    ["receiptP50Ms"] = Math.Round(snapshot.Percentile(0.50) / 1000, 2),
                    ["receiptP99Ms"] = Math.Round(snapshot.Percentile(0.99) / 1000, 2),
                });
            }
            finally
            {
                foreach (var client in clients)
                {
                    if (client.IsConnected)
                    {
                        await client.DisconnectAsync();
                    }

                    client.Dispose();
                }
            }
        }

        private async Task<IMqttClient> ConnectAsync(string store)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            client.ApplicationMessageReceivedAsync += e =>
            {
                var key = e.ApplicationMessage.CorrelationData is { } c ? Convert.ToHexString(c) : null;
                if (key is not null && _waiting.TryRemove(key, out var waiter))
                {
                    _latency.RecordTicks(waiter.Sent, Stopwatch.GetTimestamp());
                    waiter.Receipt.TrySetResult(JsonSerializer.Deserialize<Dictionary<string, int>>(e.ApplicationMessage.Payload.ToArray()) ?? []);
                }

                return Task.CompletedTask;
            };
            await client.ConnectAsync(new MqttClientOptionsBuilder()
                .WithEndPoint(new System.Net.DnsEndPoint(options.Host, options.Port))
                .WithTcpServer(tcp => tcp.NoDelay = true)
                .WithProtocolVersion(MqttProtocolVersion.V500)
                .WithClientId($"fleet-deltas-{store}-{Guid.NewGuid():N}")
                .WithCredentials(store, options.PasswordPrefix + store)
                .WithCleanStart(true)
                .Build());
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic($"{options.TopicRoot}/{store}/receipts").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                .Build());
            return client;
        }

        private async Task SendAsync(IMqttClient client, string store, CancellationToken stop)
        {
            var random = new Random(store.GetHashCode(StringComparison.Ordinal) ^ Environment.CurrentManagedThreadId);
            while (!stop.IsCancellationRequested)
            {
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var deltas = new FleetDelta[options.BatchDeltas];
                for (var i = 0; i < deltas.Length; i++)
                {
                    var card = cards[random.Next(cards.Length)];
                    var id = Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture);
                    deltas[i] = new FleetDelta(card, FleetDeltaCodec.PaymentIdOf(card, store + "/" + id), now - random.Next(0, 60_000),
                        Math.Round(random.NextDouble() * 200, 2), random.Next(), 40 + (random.Next(0, 1_000_000) / 1e5), -100 + (random.Next(0, 1_000_000) / 1e5));
                }

                var payload = FleetDeltaCodec.Encode(new FleetDeltaBatch(store, options.KeyFingerprint, deltas));
                var key = Convert.ToHexString(FleetDeltaCodec.ReceiptKeyOf(payload));
                var receipt = new TaskCompletionSource<Dictionary<string, int>>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting[key] = (receipt, Stopwatch.GetTimestamp());
                await client.PublishAsync(new MqttApplicationMessageBuilder()
                    .WithTopic($"{options.TopicRoot}/{store}/deltas")
                    .WithPayload(payload)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build(), CancellationToken.None);
                Interlocked.Increment(ref _messages);
                Interlocked.Add(ref _bytes, payload.Length);
                try
                {
                    var counts = await receipt.Task.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
                    Interlocked.Add(ref _recorded, counts.GetValueOrDefault("accepted") + counts.GetValueOrDefault("duplicate"));
                    Interlocked.Add(ref _other, counts.Where(c => c.Key is not ("accepted" or "duplicate")).Sum(c => c.Value));
                }
                catch (TimeoutException)
                {
                    _waiting.TryRemove(key, out _);
                    Interlocked.Increment(ref _timeouts);
                }
            }
        }
    }
}
