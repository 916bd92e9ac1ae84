using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Fleet;
using EdgeAgent.Core.Payments;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeAgent.Fleet.Tests.Infrastructure;

/// <summary>
/// One store's end of the fleet link, as the agent runs it: the real feature state and extractor (the one feature
/// code path), an MQTT 5 client logged in as the store, deltas sent and kept in an outbox until the fleet's receipt,
/// profiles (pushed or fetched) offered to the feature state as the other stores' payments.
/// </summary>
internal sealed class TestStore : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly string _root;
    private readonly int _port;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<byte[]>> _fetches = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Dictionary<string, int>>> _receipts = new();
    private int _profilesPushed;

    public TestStore(string storeId, int port, string root = UplinkBroker.Root, string? login = null)
    {
        StoreId = storeId;
        Login = login ?? storeId;
        _port = port;
        _root = root;
        Extractor = new FeatureExtractor(State);
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var message = e.ApplicationMessage;
            if (message.Topic.EndsWith("/receipts", StringComparison.Ordinal))
            {
                // A receipt for a message given up on (resent since) finds no waiter: the resend's own receipt counts.
                if (message.CorrelationData is { } c && _receipts.TryRemove(Convert.ToHexString(c), out var waiter))
                {
                    waiter.TrySetResult(JsonSerializer.Deserialize<Dictionary<string, int>>(message.Payload.ToArray())!);
                }
            }
            else if (message.Topic.EndsWith("/profiles", StringComparison.Ordinal))
            {
                var payload = message.Payload.ToArray();
                var id = message.CorrelationData is { } c ? Convert.ToHexString(c) : null;
                if (id is not null && _fetches.TryRemove(id, out var waiter))
                {
                    waiter.TrySetResult(payload);
                }
                else
                {
                    Interlocked.Increment(ref _profilesPushed);
                    var token = Encoding.UTF8.GetString(message.UserProperties!.Single(p => p.Name == "token").ValueBuffer.Span);
                    Offer(token, payload);
                }
            }

            return Task.CompletedTask;
        };
    }

    public string StoreId { get; }

    public string Login { get; }

    public FeatureState State { get; } = new();

    public FeatureExtractor Extractor { get; }

    /// <summary>Deltas sent and not yet confirmed by a receipt, plus everything ever sent (for a replay).</summary>
    public List<FleetDelta> Sent { get; } = [];

    public List<FleetDelta> Outbox { get; } = [];

    public int ProfilesPushed => Volatile.Read(ref _profilesPushed);

    public bool IsConnected => _client.IsConnected;

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var result = await _client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId("store-link-" + StoreId + "-" + Guid.NewGuid().ToString("N")[..6])
            .WithCredentials(Login, UplinkBroker.PasswordOf(Login))
            .WithCleanStart(true)
            .Build(), cancellationToken);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException("store connect refused: " + result.ResultCode);
        }

        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic($"{_root}/{Login}/profiles").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .WithTopicFilter(f => f.WithTopic($"{_root}/{Login}/receipts").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .Build(), cancellationToken);
    }

    /// <summary>Connects again after the broker came back, retrying until it answers.</summary>
    public async Task ReconnectAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await ConnectAsync(cancel.Token);
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>The card's features from this store's history merged with what the fleet gave it, then the payment joins it.</summary>
    public float[] Score(PaymentEvent payment)
    {
        var features = new float[FeatureSchema.Count];
        Extractor.ComputeAndApply(payment, features);
        var delta = new FleetDelta(
            payment.CardToken, FleetDeltaCodec.PaymentIdOf(payment.CardToken, payment.DeduplicationKey), payment.Timestamp.ToUnixTimeMilliseconds(),
            (double)payment.Amount, Core.Features.StableHash.Of(FeatureExtractor.MerchantKey(payment.MerchantId)),
            payment.Location?.Latitude ?? double.NaN, payment.Location?.Longitude ?? double.NaN);
        Sent.Add(delta);
        Outbox.Add(delta);
        return features;
    }

    /// <summary>Publishes a raw payload under a store's deltas topic; returns the broker's reason code.</summary>
    public async Task<MqttClientPublishReasonCode> PublishRawAsync(string topicStore, byte[] payload, byte[]? correlation = null)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic($"{_root}/{topicStore}/deltas")
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (correlation is not null)
        {
            builder.WithCorrelationData(correlation);
        }

        var result = await _client.PublishAsync(builder.Build());
        return result.ReasonCode;
    }

    /// <summary>Sends the outbox as one message and waits for the fleet's receipt, sending it again while none comes.</summary>
    public async Task<Dictionary<string, int>> FlushAsync(TimeSpan timeout, string? storeIdInMessage = null, string? fingerprint = null)
    {
        var payload = FleetDeltaCodec.Encode(new FleetDeltaBatch(storeIdInMessage ?? StoreId, fingerprint ?? FleetLinkCluster.FleetKeyFingerprint, [.. Outbox]));
        var receipt = await SendAsync(payload, timeout);
        Outbox.Clear();
        return receipt;
    }

    /// <summary>Publishes a payload on this store's deltas topic until the fleet answers with a receipt.</summary>
    public async Task<Dictionary<string, int>> SendAsync(byte[] payload, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var correlation = Guid.NewGuid().ToByteArray();
            var id = Convert.ToHexString(correlation);
            var receipt = new TaskCompletionSource<Dictionary<string, int>>(TaskCreationOptions.RunContinuationsAsynchronously);
            _receipts[id] = receipt;
            try
            {
                var code = await PublishRawAsync(Login, payload, correlation);
                if (code != MqttClientPublishReasonCode.Success && code != MqttClientPublishReasonCode.NoMatchingSubscribers)
                {
                    throw new InvalidOperationException("publish refused: " + code);
                }

                return await receipt.Task.WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                // No receipt: the silo that took it died, or the link is down. The same deltas again are duplicates at worst.
                if (!_client.IsConnected)
                {
                    await ReconnectAsync(deadline - DateTime.UtcNow);
                }
            }
            finally
            {
                _receipts.TryRemove(id, out _);
            }
        }
    }

    /// <summary>Asks the fleet for a card's profile and offers it to the feature state; false when no answer came in time.</summary>
    public async Task<bool> FetchAsync(string cardToken, TimeSpan budget)
    {
        var profile = await FetchProfileAsync(cardToken, budget);
        if (profile is null)
        {
            return false;
        }

        Offer(cardToken, profile);
        return true;
    }

    /// <summary>Asks the fleet for a card's profile; the answer's payload, or null when none came within <paramref name="budget"/>.</summary>
    public async Task<byte[]?> FetchProfileAsync(string cardToken, TimeSpan budget)
    {
        var correlation = Guid.NewGuid().ToByteArray();
        var id = Convert.ToHexString(correlation);
        var answer = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _fetches[id] = answer;
        try
        {
            await _client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic($"{_root}/{Login}/fetch")
                .WithPayload(Encoding.UTF8.GetBytes(cardToken))
                .WithCorrelationData(correlation)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build());
            return await answer.Task.WaitAsync(budget);
        }
        catch (Exception ex) when (ex is TimeoutException or MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            return null;
        }
        finally
        {
            _fetches.TryRemove(id, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }

    private void Offer(string token, byte[] payload)
    {
        var profile = FleetDeltaCodec.Decode(payload, out var error) ?? throw new InvalidOperationException("profile does not decode: " + error);
        State.OfferOtherStores(token, [.. profile.Deltas.Select(d => new RecentPayment(d.EventUnixMs, d.Amount, d.MerchantHash, d.Latitude, d.Longitude))],
            DateTimeOffset.UtcNow);
    }
}
