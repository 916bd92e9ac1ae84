using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using EdgeAgent.Core;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Fleet;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Telemetry;
using EdgeAgent.Core.Tokenization;
using EdgeAgent.Shared.Mqtt;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Cloud.Fleet;

/// <summary>
/// The store's end of the fleet link. Up: each recorded payment's delta waits in an outbox and goes in batches until
/// the fleet's receipt says it is recorded (a batch without a receipt goes again: at worst a duplicate, which the fleet
/// counts once), so a link that was down catches up by itself. Down: profiles of the card without this store's slot,
/// pushed by the fleet or fetched at first sight within <see cref="FleetLinkOptions.FetchBudget"/>, are offered to the
/// feature state, which merges them with the store's exact local history. When the link is down or a fetch misses its
/// budget the payment is scored on local history, and that is counted. During a tokenization key rotation a card's
/// first-sight fetch and its deltas also name its previous-key token, until the fleet has answered one of them, so the
/// fleet folds the card's previous-key history into its current-key profile.
/// </summary>
public sealed partial class FleetLink : IFirstSightFetch, IAsyncDisposable
{
    /// <summary>Most cards whose previous-key token waits for the fleet; beyond it a card goes without (counted, <c>dropped</c>).</summary>
    public const int MaxPendingLinks = 100_000;

    private readonly FleetLinkOptions _options;
    private readonly FeatureState _features;
    private readonly string _keyFingerprint;
    private readonly string? _previousKeyFingerprint;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly ConcurrentQueue<FleetDelta> _outbox = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<byte[]>> _fetches = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Dictionary<string, int>>> _receipts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _links = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _flush = new(1, 1);
    private readonly Counter<long> _fetchMisses;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _profiles;
    private readonly Counter<long> _sentBytes;
    private readonly Counter<long> _linked;
    private readonly Histogram<double> _fetchDuration;
    private readonly Histogram<double> _pushLag;
    private readonly string _root;
    private long _lastProfileTicks;
    private long _pushed;
    private long _fetched;
    private long _misses;
    private long _lastFetchErrorLogged;
    private long _unloggedFetchErrors;
    private int _outboxCount;

    /// <summary>Bounds of the fetch histogram, in seconds: dense around the 20 ms budget.</summary>
    private static readonly double[] FetchBuckets =
        [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    /// <summary>Bounds of the push-lag histogram, in seconds: dense around the fleet's 250 ms target, up to an hour behind.</summary>
    private static readonly double[] PushLagBuckets =
        [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 10, 30, 60, 300, 3600];

    /// <summary>
    /// A store's link; <paramref name="previousKeyFingerprint"/> is the previous key's fingerprint during a key rotation
    /// (the cards' previous-key tokens are then named to the fleet), null otherwise.
    /// </summary>
    public FleetLink(
        FleetLinkOptions options, FeatureState features, string keyFingerprint, TimeProvider time, IMeterFactory meters, ILogger<FleetLink> logger,
        string? previousKeyFingerprint = null)
    {
        _options = options;
        _features = features;
        _keyFingerprint = keyFingerprint;
        _previousKeyFingerprint = previousKeyFingerprint;
        _time = time;
        _logger = logger;
        _root = $"{options.TopicRoot}/{options.StoreId}/";
        var meter = meters.Create(AgentMeter.Name);
        meter.CreateObservableGauge("edgeagent.fleet.link_up", () => IsUp ? 1 : 0, null, "1 while the fleet link is up; 0: payments are scored on local history.");
        meter.CreateObservableGauge("edgeagent.fleet.profile_age", () => ProfileAge?.TotalSeconds ?? -1, "s", "Time since the last profile came from the fleet (-1: none yet).");
        meter.CreateObservableUpDownCounter("edgeagent.fleet.outbox", () => (long)Volatile.Read(ref _outboxCount), "{delta}", "Deltas waiting for the fleet's receipt.");
        _fetchMisses = meter.CreateCounter<long>("edgeagent.fleet.fetch_misses", "{payment}", "First sights scored on local history: the fleet's profile did not come within the budget, or the link was down.");
        _refused = meter.CreateCounter<long>("edgeagent.fleet.refused", "{delta}", "Deltas or messages the fleet refused, by reason (from its receipts).");
        _dropped = meter.CreateCounter<long>("edgeagent.fleet.outbox_dropped", "{delta}", "Deltas dropped unsent because the outbox was full.");
        _profiles = meter.CreateCounter<long>("edgeagent.fleet.profiles", "{profile}", "Profiles received from the fleet, by how (push, fetch) and whether the state took them.");
        _sentBytes = meter.CreateCounter<long>("edgeagent.fleet.sent", "By", "Bytes published to the fleet, MQTT framing included (TCP and TLS aside), by kind (deltas, resends included; fetch).");
        _linked = meter.CreateCounter<long>("edgeagent.fleet.card_links", "{card}",
            "During a key rotation, cards' previous-key tokens named to the fleet, by how (fetch, deltas), and those not kept because too many waited (dropped).");
        _fetchDuration = meter.CreateHistogram("edgeagent.fleet.fetch", "s",
            "Time from a first-sight fetch to the fleet's answer, by whether it came within the budget (in_budget, late).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = FetchBuckets });
        _pushLag = meter.CreateHistogram("edgeagent.fleet.push_lag", "s",
            "Age of the newest payment in a pushed profile when it arrives: with live payment times, how long a payment at another store takes to reach this one.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PushLagBuckets });
        _client.ApplicationMessageReceivedAsync += e =>
        {
            OnMessage(e.ApplicationMessage);
            return Task.CompletedTask;
        };
    }

    public bool IsUp => _client.IsConnected;

    /// <summary>Profiles the fleet pushed (not asked for) since start.</summary>
    public long ProfilesPushed => Interlocked.Read(ref _pushed);

    /// <summary>First sights answered by the fleet within the budget since start.</summary>
    public long ProfilesFetched => Interlocked.Read(ref _fetched);

    /// <summary>First sights scored on local history since start (budget missed, link down).</summary>
    public long FetchMisses => Interlocked.Read(ref _misses);

    /// <summary>Deltas waiting for the fleet's receipt.</summary>
    public int Outbox => Volatile.Read(ref _outboxCount);

    /// <summary>Cards whose previous-key token the fleet has not yet answered for (a key rotation only).</summary>
    public int PendingLinks => _links.Count;

    /// <summary>Time since the last profile came from the fleet; null when none came yet.</summary>
    public TimeSpan? ProfileAge
    {
        get
        {
            var last = Interlocked.Read(ref _lastProfileTicks);
            return last == 0 ? null : _time.GetElapsedTime(last);
        }
    }

    /// <summary>Queues a recorded payment's delta for the fleet. Thread-safe; never waits.</summary>
    public void Enqueue(FleetDelta delta)
    {
        _outbox.Enqueue(delta);
        if (Interlocked.Increment(ref _outboxCount) > _options.MaxOutbox && _outbox.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _outboxCount);
            _dropped.Add(1);
        }
    }

    /// <summary>
    /// Keeps the link connected (connect, subscribe, again after a drop, with backoff) and sends the outbox every
    /// <see cref="FleetLinkOptions.FlushInterval"/>, until cancelled.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));
        var lastFlush = _time.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!_client.IsConnected)
                {
                    await ConnectAsync(cancellationToken);
                    LogConnected(_options.Host!, _options.Port);
                }

                backoff.Reset();
                if (_options.FlushInterval > TimeSpan.Zero && _time.GetElapsedTime(lastFlush) >= _options.FlushInterval)
                {
                    lastFlush = _time.GetTimestamp();
                    await FlushAsync(cancellationToken);
                }

                await Task.Delay(_options.FlushInterval > TimeSpan.Zero ? _options.FlushInterval : TimeSpan.FromMilliseconds(200), _time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogLinkDown(_options.Host!, _options.Port, ex.Message);
                try
                {
                    await Task.Delay(backoff.Next(), _time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Sends what the outbox holds now, batch by batch, each until the fleet's receipt comes (sent again after
    /// <see cref="FleetLinkOptions.ReceiptTimeout"/>); returns the receipts' counts summed. Throws when the link is down:
    /// the deltas stay in the outbox for the next try.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> FlushAsync(CancellationToken cancellationToken)
    {
        var total = new Dictionary<string, int>(StringComparer.Ordinal);
        await _flush.WaitAsync(cancellationToken);
        try
        {
            while (!_outbox.IsEmpty)
            {
                var batch = _outbox.Take(_options.MaxBatchDeltas).ToArray();
                var links = LinksOf(batch);
                var payload = FleetDeltaCodec.Encode(new FleetDeltaBatch(_options.StoreId!, _keyFingerprint, batch) { Links = links });
                var receipt = await SendUntilReceiptAsync(payload, cancellationToken);
                for (var i = 0; i < batch.Length && _outbox.TryDequeue(out _); i++)
                {
                    Interlocked.Decrement(ref _outboxCount);
                }

                // The receipt comes after the fleet handled the links (folded, already folded, or refused for good).
                if (links is not null)
                {
                    _linked.Add(links.PreviousTokens.Count, new KeyValuePair<string, object?>("how", "deltas"));
                    foreach (var link in links.PreviousTokens)
                    {
                        _links.TryRemove(link);
                    }
                }

                foreach (var (key, count) in receipt)
                {
                    total[key] = total.GetValueOrDefault(key) + count;
                    if (key is not ("accepted" or "duplicate" or "stale"))
                    {
                        _refused.Add(count, new KeyValuePair<string, object?>("reason", key));
                        LogRefused(key, count);
                    }
                }
            }
        }
        finally
        {
            _flush.Release();
        }

        return total;
    }

    /// <summary>
    /// At a card's first sight: asks the fleet for its profile and waits at most <see cref="FleetLinkOptions.FetchBudget"/>.
    /// True when the profile came in time (and is offered to the feature state); false when it did not or the link is
    /// down, which is counted: the payment is then scored on local history. A late answer is still offered.
    /// </summary>
    public Task<bool> FetchAsync(string cardToken, CancellationToken cancellationToken) =>
        FetchAsync(new CardTokens(cardToken, null), cancellationToken);

    /// <summary>
    /// As <see cref="FetchAsync(string, CancellationToken)"/>; during a key rotation the fetch also names the card's
    /// previous-key token (<see cref="CardTokens.Previous"/>), and so do the card's deltas until the fleet has answered.
    /// </summary>
    public async Task<bool> FetchAsync(CardTokens card, CancellationToken cancellationToken)
    {
        var cardToken = card.Current;
        var previous = Remember(card);
        if (!_client.IsConnected)
        {
            CountMiss("link_down");
            return false;
        }

        // The correlation data carries the fetch's start, so that an answer timed even when it comes after the budget.
        var correlation = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(correlation, _time.GetTimestamp());
        System.Security.Cryptography.RandomNumberGenerator.Fill(correlation.AsSpan(8));
        var id = Convert.ToHexString(correlation);
        var answer = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _fetches[id] = answer;
        try
        {
            // During a rotation: "{token}\n{previous key fingerprint}\n{previous token}\n{key fingerprint}" (the token's own key,
            // so that a link naming it is refused at once, as in a delta batch); otherwise the token alone.
            var body = previous is null ? cardToken : cardToken + "\n" + _previousKeyFingerprint + "\n" + previous + "\n" + _keyFingerprint;
            await _client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic(_root + "fetch")
                .WithPayload(Encoding.UTF8.GetBytes(body))
                .WithCorrelationData(correlation)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce)
                .Build(), cancellationToken);
            _sentBytes.Add(PublishBytes(_root + "fetch", 3 + correlation.Length, Encoding.UTF8.GetByteCount(body), qos1: false), new KeyValuePair<string, object?>("kind", "fetch"));
            if (previous is not null)
            {
                _linked.Add(1, new KeyValuePair<string, object?>("how", "fetch"));
            }

            var payload = await answer.Task.WaitAsync(_options.FetchBudget, _time, cancellationToken);
            Offer(cardToken, payload, "fetch");
            Interlocked.Increment(ref _fetched);
            return true;
        }
        catch (Exception ex) when (ex is TimeoutException or MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException)
        {
            CountMiss(ex is TimeoutException ? "budget" : "link_down");
            return false;
        }
        finally
        {
            _fetches.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// The scoring loop's first-sight step: every card's fetch at once, so the batch waits one budget at most, and not at
    /// all while the link is down. Never throws for the fleet's sake: a fetch that fails is a miss (<c>error</c>) and the
    /// payment is scored on local history.
    /// </summary>
    public async Task FetchFirstSightsAsync(IReadOnlyList<CardTokens> cards, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cards);
        if (cards.Count == 1)
        {
            await FetchOrMissAsync(cards[0], cancellationToken);
            return;
        }

        var fetches = new Task[cards.Count];
        for (var i = 0; i < fetches.Length; i++)
        {
            fetches[i] = FetchOrMissAsync(cards[i], cancellationToken);
        }

        await Task.WhenAll(fetches);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync();
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
            }
        }

        _client.Dispose();
        _flush.Dispose();
    }

    private async Task FetchOrMissAsync(CardTokens card, CancellationToken cancellationToken)
    {
        try
        {
            await FetchAsync(card, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            CountMiss("error");
            LogFetchFailedThrottled(ex.Message);
        }
    }

    /// <summary>One line a minute at most: a fleet that answers garbage must not flood the log; the counter has every one.</summary>
    private void LogFetchFailedThrottled(string reason)
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastFetchErrorLogged);
        if (last != 0 && _time.GetElapsedTime(last, now) < TimeSpan.FromMinutes(1))
        {
            Interlocked.Increment(ref _unloggedFetchErrors);
            return;
        }

        if (Interlocked.CompareExchange(ref _lastFetchErrorLogged, now, last) == last)
        {
            LogFetchFailed(reason, Interlocked.Exchange(ref _unloggedFetchErrors, 0));
        }
    }

    /// <summary>
    /// Keeps a card's previous-key token until the fleet has answered for it (a fetch answer, or the receipt of a batch
    /// that named it); returns it, or null outside a rotation. A fetch that misses leaves it for the card's deltas.
    /// </summary>
    private string? Remember(CardTokens card)
    {
        if (_previousKeyFingerprint is null)
        {
            return null;
        }

        if (card.Previous is not { } previous)
        {
            return _links.TryGetValue(card.Current, out var pending) ? pending : null;
        }

        if (!_links.ContainsKey(card.Current) && _links.Count >= MaxPendingLinks)
        {
            _linked.Add(1, new KeyValuePair<string, object?>("how", "dropped"));
            return previous;
        }

        _links[card.Current] = previous;
        return previous;
    }

    /// <summary>The previous-key tokens of a batch's cards that the fleet has not answered for; null when none.</summary>
    private FleetCardLinks? LinksOf(FleetDelta[] batch)
    {
        if (_previousKeyFingerprint is null || _links.IsEmpty)
        {
            return null;
        }

        Dictionary<string, string>? links = null;
        foreach (var delta in batch)
        {
            if (_links.TryGetValue(delta.CardToken, out var previous))
            {
                (links ??= new Dictionary<string, string>(StringComparer.Ordinal))[delta.CardToken] = previous;
            }
        }

        return links is null ? null : new FleetCardLinks(_previousKeyFingerprint, links);
    }

    private void CountMiss(string why)
    {
        Interlocked.Increment(ref _misses);
        _fetchMisses.Add(1, new KeyValuePair<string, object?>("why", why));
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var builder = MqttClientSetup.Server(_options.Host!, _options.Port)
            .WithMqtt5("edgeagent-fleet-" + _options.StoreId)
            .WithKeepAlivePeriod(MqttClientSetup.DefaultKeepAlive)
            .WithOptionalCredentials(_options.Username, _options.Password);
        if (_options.UseTls)
        {
            builder.WithServerTlsFiles(_options.Host!, _options.TrustedCertificatesPath, _options.CertificatePath, _options.CertificateKeyPath);
        }

        var result = await _client.ConnectAsync(builder.Build(), cancellationToken);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException("fleet link refused: " + result.ResultCode);
        }

        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(_root + "profiles").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .WithTopicFilter(f => f.WithTopic(_root + "receipts").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .Build(), cancellationToken);
    }

    /// <summary>
    /// An MQTT 5 PUBLISH's bytes on the wire: fixed header, topic, packet id at QoS 1, properties (their length a
    /// one-byte varint below 128) and payload. Framing is a share of a small message worth counting.
    /// </summary>
    private static long PublishBytes(string topic, int properties, int payload, bool qos1)
    {
        var remaining = 2 + Encoding.UTF8.GetByteCount(topic) + (qos1 ? 2 : 0) + 1 + properties + payload;
        var lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
        return 1 + lengthBytes + remaining;
    }

    private async Task<Dictionary<string, int>> SendUntilReceiptAsync(byte[] payload, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!_client.IsConnected)
            {
                throw new InvalidOperationException("the fleet link is down");
            }

            var id = Convert.ToHexString(FleetDeltaCodec.ReceiptKeyOf(payload));
            var receipt = new TaskCompletionSource<Dictionary<string, int>>(TaskCreationOptions.RunContinuationsAsynchronously);
            _receipts[id] = receipt;
            try
            {
                await _client.PublishAsync(new MqttApplicationMessageBuilder()
                    .WithTopic(_root + "deltas")
                    .WithPayload(payload)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build(), cancellationToken);
                _sentBytes.Add(PublishBytes(_root + "deltas", 0, payload.Length, qos1: true), new KeyValuePair<string, object?>("kind", "deltas"));
                return await receipt.Task.WaitAsync(_options.ReceiptTimeout, _time, cancellationToken);
            }
            catch (TimeoutException)
            {
                // No receipt: the silo that took the batch died, or no silo reads yet. The same batch again is harmless.
                LogResend(_options.ReceiptTimeout);
            }
            finally
            {
                _receipts.TryRemove(id, out _);
            }
        }
    }

    private void OnMessage(MqttApplicationMessage message)
    {
        try
        {
            var id = message.CorrelationData is { } c ? Convert.ToHexString(c) : null;
            if (message.Topic.EndsWith("/receipts", StringComparison.Ordinal))
            {
                if (id is not null && _receipts.TryRemove(id, out var waiter))
                {
                    waiter.TrySetResult(JsonSerializer.Deserialize(message.Payload.ToArray(), FleetJson.Default.DictionaryStringInt32) ?? []);
                }
            }
            else if (message.Topic.EndsWith("/profiles", StringComparison.Ordinal))
            {
                var payload = message.Payload.ToArray();
                if (message.CorrelationData is { Length: 16 } fetch)
                {
                    var started = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(fetch);
                    _fetchDuration.Record(
                        _time.GetElapsedTime(started).TotalSeconds,
                        new KeyValuePair<string, object?>("answer", _fetches.ContainsKey(id!) ? "in_budget" : "late"));
                }

                // A fetch answer (in the budget or late) comes after the fleet folded the card's previous-key history.
                if (id is not null && message.UserProperties?.FirstOrDefault(p => p.Name == "token") is { } answered && !_links.IsEmpty)
                {
                    _links.TryRemove(Encoding.UTF8.GetString(answered.ValueBuffer.Span), out _);
                }

                if (id is not null && _fetches.TryRemove(id, out var waiter))
                {
                    waiter.TrySetResult(payload);
                }
                else if (message.UserProperties?.FirstOrDefault(p => p.Name == "token") is { } token)
                {
                    // A fetch answer that missed its budget is still the card's profile: the next payment uses it.
                    var newest = Offer(Encoding.UTF8.GetString(token.ValueBuffer.Span), payload, id is null ? "push" : "late");
                    if (id is null)
                    {
                        Interlocked.Increment(ref _pushed);
                        if (newest is { } newestMs)
                        {
                            _pushLag.Record(Math.Max(0, _time.GetUtcNow().ToUnixTimeMilliseconds() - newestMs) / 1000.0);
                        }
                    }
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            LogBadMessage(message.Topic, ex.Message);
        }
    }

    /// <summary>Offers a profile to the feature state; returns its newest payment's event time (Unix ms), null when empty.</summary>
    private long? Offer(string cardToken, byte[] payload, string how)
    {
        var profile = FleetDeltaCodec.Decode(payload, out var error) ?? throw new InvalidOperationException("a profile that does not decode: " + error);
        var payments = new RecentPayment[profile.Deltas.Count];
        long? newest = null;
        for (var i = 0; i < payments.Length; i++)
        {
            payments[i] = profile.Deltas[i].ToRecentPayment();
            newest = Math.Max(newest ?? long.MinValue, profile.Deltas[i].EventUnixMs);
        }

        var taken = _features.OfferOtherStores(cardToken, payments, _time.GetUtcNow());
        Interlocked.Exchange(ref _lastProfileTicks, _time.GetTimestamp());
        _profiles.Add(1, new KeyValuePair<string, object?>("how", how), new KeyValuePair<string, object?>("taken", taken ? "yes" : "cap"));
        return newest;
    }

    [LoggerMessage(EventId = 440, Level = LogLevel.Information, Message = "Fleet link up at {Host}:{Port}")]
    private partial void LogConnected(string host, int port);

    [LoggerMessage(EventId = 441, Level = LogLevel.Warning, Message = "Fleet link at {Host}:{Port} down ({Reason}); scoring on local history, trying again")]
    private partial void LogLinkDown(string host, int port, string reason);

    [LoggerMessage(EventId = 442, Level = LogLevel.Warning, Message = "The fleet refused {Count} delta(s): {Reason}")]
    private partial void LogRefused(string reason, int count);

    [LoggerMessage(EventId = 443, Level = LogLevel.Information, Message = "No receipt from the fleet within {Timeout}; the batch goes again")]
    private partial void LogResend(TimeSpan timeout);

    [LoggerMessage(EventId = 445, Level = LogLevel.Warning, Message = "A first-sight fetch failed ({Reason}); the payment is scored on local history; {Unlogged} more since the last line (at most one a minute)")]
    private partial void LogFetchFailed(string reason, long unlogged);

    [LoggerMessage(EventId = 444, Level = LogLevel.Warning, Message = "A fleet message on {Topic} was not understood: {Reason}")]
    private partial void LogBadMessage(string topic, string reason);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, int>))]
internal sealed partial class FleetJson : System.Text.Json.Serialization.JsonSerializerContext;
