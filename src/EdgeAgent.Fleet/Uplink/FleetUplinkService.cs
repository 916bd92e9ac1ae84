using System.Buffers;
using System.Text;
using System.Text.Json;
using EdgeAgent.Core;
using EdgeAgent.Core.Fleet;
using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Hosting;
using EdgeAgent.Shared.Mqtt;
using EdgeAgent.Shared.Uplink;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Fleet.Uplink;

/// <summary>
/// The fleet's end of the uplink: reads every store's deltas from the broker (one shared subscription for all silos,
/// so each message reaches one silo), records them in the card grains and pushes the changed profiles to the other
/// stores that saw the card; answers a store's first-sight fetch. The store a message counts for is the store its
/// sender is authenticated as: the broker lets a store publish only under its own topic (per-user ACL), and the
/// store id inside the message must say the same, or the message is refused. During a tokenization key rotation a
/// store's deltas and fetches may name a card's previous-key token: the previous-key card's history is then folded
/// into the current-key card once (<see cref="LinkAsync"/>), before the profiles are pushed or the fetch answered.
/// </summary>
internal sealed partial class FleetUplinkService(
    IGrainFactory grains,
    IOptions<FleetOptions> options,
    FleetMetrics metrics,
    RefusalLog refusals,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<FleetUplinkService> logger) : BackgroundService
{
    private readonly FleetOptions _options = options.Value;
    private readonly HashSet<string> _stores = new(options.Value.KnownStores, StringComparer.Ordinal);
    private readonly HashSet<string> _fingerprints = new(options.Value.KeyFingerprints.Select(f => f.ToLowerInvariant()), StringComparer.Ordinal);
    private readonly SemaphoreSlim _fetchSlots = new(options.Value.MaxFetchesInFlight, options.Value.MaxFetchesInFlight);
    private IMqttClient? _client;
    private IMqttClient? _fetchClient;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Grains answer only once the silo has joined: read nothing before.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        // Two connections: MQTTnet hands a connection's messages over one at a time, each after the last one's handler
        // returned, and a delta batch's handler returns only once its grains have written to Redis (its acknowledgement
        // waits for that). A first-sight fetch on the same connection would wait behind every batch before it.
        using var client = new MqttClientFactory().CreateMqttClient();
        using var fetchClient = new MqttClientFactory().CreateMqttClient();
        _client = client;
        _fetchClient = fetchClient;
        client.ApplicationMessageReceivedAsync += e => OnMessageAsync(e, stoppingToken);
        fetchClient.ApplicationMessageReceivedAsync += e => OnMessageAsync(e, stoppingToken);
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await client.TryPingAsync(stoppingToken))
                {
                    await ConnectAsync(client, fetches: false, stoppingToken);
                    LogConnected(_options.UplinkHost, _options.UplinkPort);
                }

                if (!await fetchClient.TryPingAsync(stoppingToken))
                {
                    await ConnectAsync(fetchClient, fetches: true, stoppingToken);
                    LogFetchConnected(_options.UplinkHost, _options.UplinkPort);
                }

                backoff.Reset();
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogConnectFailed(_options.UplinkHost, _options.UplinkPort, ex.Message);
                await Task.Delay(backoff.Next(), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        // Fetches still being answered finish (or see the cancellation) before their connection goes.
        for (var i = 0; i < _options.MaxFetchesInFlight; i++)
        {
            await _fetchSlots.WaitAsync(CancellationToken.None);
        }

        foreach (var connected in new[] { client, fetchClient }.Where(c => c.IsConnected))
        {
            await connected.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
        }
    }

    private async Task ConnectAsync(IMqttClient client, bool fetches, CancellationToken cancellationToken)
    {
        var clientId = $"edgeagent-fleet-{_options.AdvertisedAddress}-{_options.SiloPort}" + (fetches ? "-fetch" : "");
        var builder = MqttClientSetup.Server(_options.UplinkHost, _options.UplinkPort)
            .WithMqtt5(clientId)
            .WithKeepAlivePeriod(MqttClientSetup.DefaultKeepAlive)
            .WithOptionalCredentials(_options.UplinkUsername, _options.UplinkPassword);
        if (_options.UplinkUseTls)
        {
            builder.WithServerTlsFiles(_options.UplinkHost, _options.UplinkTrustedCertificatesPath, _options.UplinkCertificatePath, _options.UplinkCertificateKeyPath);
        }

        var result = await client.ConnectAsync(builder.Build(), cancellationToken);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"connect refused: {result.ResultCode}");
        }

        var share = $"$share/{_options.UplinkShareGroup}/{_options.UplinkTopicRoot}/+/";
        if (fetches)
        {
            var taken = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic(share + FleetTopics.Fetch).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                .Build(), cancellationToken);
            if (taken.Items.Any(i => (int)i.ResultCode > 2))
            {
                throw new InvalidOperationException("subscription refused: " + string.Join(", ", taken.Items.Select(i => i.ResultCode)));
            }

            return;
        }

        var subscribed = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(share + FleetTopics.Deltas).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .WithTopicFilter(f => f
                .WithTopic($"$share/{_options.UplinkShareGroup}/{_options.TelemetryTopicRoot}/+/{FleetTopics.Metrics}")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))

            // Not shared: every silo takes every report, and the retained ones come again at each connect, so the view
            // holds each store's last report even after it started again empty.
            .WithTopicFilter(f => f
                .WithTopic($"{_options.TelemetryTopicRoot}/+/{FleetTopics.Reported}")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .Build(), cancellationToken);
        var refused = subscribed.Items.Where(i => (int)i.ResultCode > 2).ToList();
        if (refused.Any(i => !i.TopicFilter.Topic.EndsWith("/" + FleetTopics.Reported, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException("subscription refused: " + string.Join(", ", subscribed.Items.Select(i => i.ResultCode)));
        }

        if (refused.Count > 0)
        {
            // A broker whose ACL predates the reports: everything else works, a refused model is then seen only by the gate's timeout.
            LogReportsRefused(refused[0].TopicFilter.Topic, refused[0].ResultCode.ToString());
        }
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e, CancellationToken cancellationToken)
    {
        var message = e.ApplicationMessage;
        if (FleetTopics.TryParseMetrics(_options.TelemetryTopicRoot, message.Topic, out var agent))
        {
            await TakeSnapshotAsync(agent, message, cancellationToken);
            return;
        }

        if (FleetTopics.TryParseReported(_options.TelemetryTopicRoot, message.Topic, out var reporter))
        {
            await TakeReportAsync(reporter, message, cancellationToken);
            return;
        }

        if (!FleetTopics.TryParse(_options.UplinkTopicRoot, message.Topic, out var store, out var kind))
        {
            return;
        }

        try
        {
            if (!_stores.Contains(store))
            {
                // The broker knows the sender (it logged in as this store), the fleet does not: nothing it sends is kept.
                Refuse(RefusalReasons.UnknownStore, store);
                await ReceiptAsync(store, message.CorrelationData ?? FleetDeltaCodec.ReceiptKeyOf(message.Payload.ToArray()), Receipt.Refused(RefusalReasons.UnknownStore), cancellationToken);
                return;
            }

            if (message.Payload.Length > _options.MaxUplinkMessageBytes)
            {
                Refuse(RefusalReasons.Oversized, store);
                await ReceiptAsync(store, message.CorrelationData ?? FleetDeltaCodec.ReceiptKeyOf(message.Payload.ToArray()), Receipt.Refused(RefusalReasons.Oversized), cancellationToken);
                return;
            }

            if (kind == FleetTopics.Fetch)
            {
                await StartFetchAsync(store, message, cancellationToken);
            }
            else
            {
                var payload = message.Payload.ToArray();
                await RecordAsync(store, payload, message.CorrelationData ?? FleetDeltaCodec.ReceiptKeyOf(payload), cancellationToken);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogHandleFailed(store, ex);
        }
    }

    private async Task RecordAsync(string store, byte[] payload, byte[]? correlation, CancellationToken cancellationToken)
    {
        var batch = FleetDeltaCodec.Decode(payload, out var error);
        var refusal = batch is null ? RefusalReasons.Malformed
            : !string.Equals(batch.StoreId, store, StringComparison.Ordinal) ? RefusalReasons.ForgedStore
            : !_fingerprints.Contains(batch.KeyFingerprint) ? RefusalReasons.ForeignKey
            : null;
        if (refusal is not null)
        {
            if (error is not null)
            {
                LogMalformed(store, error);
            }

            Refuse(refusal, store);
            await ReceiptAsync(store, correlation, Receipt.Refused(refusal), cancellationToken);
            return;
        }

        // Links are taken only for a previous key the fleet lists, other than the batch's own key (a rotation under way).
        var links = batch!.Links;
        var receipt = new Receipt();
        if (links is not null
            && (!_fingerprints.Contains(links.PreviousKeyFingerprint) || string.Equals(links.PreviousKeyFingerprint, batch.KeyFingerprint, StringComparison.Ordinal)))
        {
            Refuse(RefusalReasons.LinkForeignKey, store, links.PreviousTokens.Count);
            receipt.AddRefused(RefusalReasons.LinkForeignKey, links.PreviousTokens.Count);
            links = null;
        }

        // The batch's cards are recorded at once: each is its own grain, and Redis (appendfsync always) flushes the
        // writes that arrive together with one fsync, where one card after the other pays a flush each. The batch's size
        // (at most the uplink message's) bounds the calls in flight.
        var results = await Task.WhenAll(batch.Deltas
            .GroupBy(d => d.CardToken, StringComparer.Ordinal)
            .Select(card => RecordCardAsync(
                store, card.Key, card, links is not null && links.PreviousTokens.TryGetValue(card.Key, out var previous) ? previous : null, cancellationToken)));
        foreach (var result in results.SelectMany(r => r))
        {
            receipt.Add(result);
        }

        await ReceiptAsync(store, correlation, receipt, cancellationToken);
    }

    /// <summary>
    /// One card's deltas of a batch into its grain, its previous-key history folded in when the batch links it, then its
    /// profile pushed to the other stores that saw it.
    /// </summary>
    private async Task<List<RecordResult>> RecordCardAsync(string store, string token, IEnumerable<FleetDelta> card, string? previous, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<ICardProfileGrain>(token);
        var results = new List<RecordResult>(1);
        foreach (var chunk in card.Chunk(_options.MaxBatchDeltas))
        {
            var deltas = chunk.Select(d => new CardDelta(
                CardDelta.CurrentSchema, d.CardToken, d.PaymentId, d.EventUnixMs, d.Amount, d.MerchantHash, d.Latitude, d.Longitude)).ToList();
            results.Add(await RetryAsync(() => grain.RecordAsync(store, deltas), cancellationToken));
        }

        var last = results[^1];
        if (previous is not null && await LinkAsync(store, token, previous, last.FoldedFrom, cancellationToken) is { } refusal)
        {
            results.Add(new RecordResult(0, 0, 0, new Dictionary<string, int>(StringComparer.Ordinal) { [refusal] = 1 }));
        }

        if (last.FoldedInto is { } into && last.Accepted + last.Duplicates > 0)
        {
            // A previous-key payment that came after its card's history was folded (a store's backlog sent after the
            // rotation): folded again, so the current-key card has it, and its stores are pushed the result.
            if (await FoldAsync(into, token, cancellationToken))
            {
                await PushAsync(grains.GetGrain<ICardProfileGrain>(into), store, cancellationToken);
            }
        }

        await PushAsync(grain, store, cancellationToken);
        return results;
    }

    private async Task PushAsync(ICardProfileGrain grain, string writer, CancellationToken cancellationToken)
    {
        foreach (var profile in await RetryAsync(() => grain.ProfilesForOthersAsync(writer), cancellationToken))
        {
            await PublishProfileAsync(_client!, profile, null, cancellationToken);
        }
    }

    /// <summary>
    /// A store's claim that <paramref name="previous"/> is <paramref name="current"/>'s card under the previous key:
    /// the previous-key card's history folds into the current-key card, once (a card takes one previous-key card, and a
    /// previous-key card goes to one current-key card). Null when done or done before; else the refusal, counted.
    /// </summary>
    private async Task<string?> LinkAsync(string store, string current, string previous, string? foldedFrom, CancellationToken cancellationToken)
    {
        var refusal = string.Equals(foldedFrom, previous, StringComparison.Ordinal) ? null
            : !IsLink(current, previous) ? RefusalReasons.BadLink
            : foldedFrom is not null || !await FoldAsync(current, previous, cancellationToken) ? RefusalReasons.LinkConflict
            : null;
        if (refusal is not null)
        {
            Refuse(refusal, store);
        }

        return refusal;
    }

    /// <summary>Hands <paramref name="previous"/>'s history to <paramref name="current"/>; false when either is bound to another card.</summary>
    private async Task<bool> FoldAsync(string current, string previous, CancellationToken cancellationToken)
    {
        var export = await RetryAsync(() => grains.GetGrain<ICardProfileGrain>(previous).ExportForFoldAsync(current), cancellationToken);
        if (!export.Granted)
        {
            return false;
        }

        var folded = await RetryAsync(() => grains.GetGrain<ICardProfileGrain>(current).FoldAsync(previous, export.Payments), cancellationToken);
        return folded.Outcome != FoldOutcomes.Conflict;
    }

    /// <summary>A previous-key token: a token (<c>{key id}.{hash}</c>) of another key id than the current token's.</summary>
    private static bool IsLink(string current, string previous) =>
        FleetDeltaCodec.KeyIdOf(previous) is { } previousKey && previous.Length > previousKey.Length + 1
        && Profiles.CardProfileMerge.IsWellFormedId(previous) && !string.Equals(previous, current, StringComparison.Ordinal)
        && !string.Equals(FleetDeltaCodec.KeyIdOf(current), previousKey, StringComparison.Ordinal);

    /// <summary>
    /// An agent's metrics message into the fleet's view, under the same trust rule as its deltas: the store is the
    /// topic's, which the broker lets only that store's login publish, and the message must name the same source.
    /// </summary>
    private Task TakeSnapshotAsync(string store, MqttApplicationMessage message, CancellationToken cancellationToken) =>
        TakeAgentMessageAsync(store, message, payload =>
        {
            var snapshot = View.SnapshotReader.Read(payload.Span, store, time.GetUtcNow(), out var source, out var error);
            var refusal = snapshot is null ? RefusalReasons.Malformed
                : !string.Equals(source, store, StringComparison.Ordinal) ? RefusalReasons.ForgedStore
                : null;
            return (snapshot, refusal, error);
        }, (view, snapshot) => view.RecordAsync(snapshot), metrics.SnapshotTaken, cancellationToken);

    /// <summary>
    /// An agent's reported properties into the fleet's view, under the trust rule of its snapshots: the store is the
    /// topic's. An empty retained message (a report cleared) is no report.
    /// </summary>
    private Task TakeReportAsync(string store, MqttApplicationMessage message, CancellationToken cancellationToken) =>
        message.Payload.Length == 0
            ? Task.CompletedTask
            : TakeAgentMessageAsync(store, message, payload =>
            {
                var report = View.ReportReader.Read(payload.Span, store, time.GetUtcNow(), out var error);
                return (report, report is null ? RefusalReasons.Malformed : null, error);
            }, (view, report) => view.RecordReportAsync(report), metrics.ReportTaken, cancellationToken);

    /// <summary>
    /// Reads one agent message of a known store within the size bound and records it in the fleet's view; what is
    /// refused is counted on <c>edgeagent_fleet_snapshot_refusals_total{reason}</c> and logged through the throttle.
    /// </summary>
    private async Task TakeAgentMessageAsync<T>(
        string store,
        MqttApplicationMessage message,
        Func<ReadOnlyMemory<byte>, (T? Value, string? Refusal, string? Error)> read,
        Func<IFleetViewGrain, T, Task> record,
        Action taken,
        CancellationToken cancellationToken)
        where T : class
    {
        string? refusal;
        T? value = null;
        if (!_stores.Contains(store))
        {
            refusal = RefusalReasons.UnknownStore;
        }
        else if (message.Payload.Length > _options.MaxUplinkMessageBytes)
        {
            refusal = RefusalReasons.Oversized;
        }
        else if (UplinkPayload.TryOpen(message.Payload.ToArray(), UplinkPayload.MaxInflatedBytes, out var json) is var opened
            and (UplinkOpenResult.TooLarge or UplinkOpenResult.Corrupt))
        {
            // The agent compresses its snapshot batches; one that inflates past the cap is refused before more is held. Plain
            // JSON (reported properties) is taken as it is.
            refusal = opened == UplinkOpenResult.TooLarge ? RefusalReasons.InflatedOversized : RefusalReasons.Malformed;
        }
        else
        {
            (value, refusal, var error) = read(json);
            if (error is not null)
            {
                LogMalformedSnapshot(store, error);
            }
        }

        if (refusal is not null || value is null)
        {
            refusal ??= RefusalReasons.Malformed;
            metrics.SnapshotRefused(refusal);
            refusals.SnapshotRefused(refusal, Profiles.CardProfileMerge.IsWellFormedId(store) ? store : "(malformed)");
            return;
        }

        await RetryAsync(async () =>
        {
            await record(grains.GetGrain<IFleetViewGrain>(IFleetViewGrain.Key), value);
            return true;
        }, cancellationToken);
        taken();
    }

    /// <summary>
    /// Takes a fetch off its connection and answers it beside the others: a first sight whose card must first be read
    /// from Redis (its grain not active) holds up no other fetch. At most <see cref="FleetOptions.MaxFetchesInFlight"/>
    /// are answered at once; the next one waits for a slot (counted), which holds the fetch connection's reader.
    /// </summary>
    private async Task StartFetchAsync(string store, MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        // The payload's buffer belongs to the client until the handler returns: read it now.
        var body = Encoding.UTF8.GetString(message.Payload);
        var correlation = message.CorrelationData?.ToArray();
        if (!_fetchSlots.Wait(0, CancellationToken.None))
        {
            metrics.FetchWaited();
            refusals.FetchesWaited(_options.MaxFetchesInFlight);
            await _fetchSlots.WaitAsync(cancellationToken);
        }

        _ = AnswerInSlotAsync();

        async Task AnswerInSlotAsync()
        {
            try
            {
                await AnswerFetchAsync(store, body, correlation, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogHandleFailed(store, ex);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping: the store counts the missing answer as a miss.
            }
            finally
            {
                _fetchSlots.Release();
            }
        }
    }

    private async Task AnswerFetchAsync(string store, string body, byte[]? correlation, CancellationToken cancellationToken)
    {
        // "{token}", or during a key rotation "{token}\n{previous key fingerprint}\n{previous-key token}\n{token's key
        // fingerprint}" (a store not yet upgraded leaves the last line out).
        var parts = body.Split('\n');
        var token = parts[0];
        if (parts.Length is not (1 or 3 or 4)
            || !Profiles.CardProfileMerge.IsWellFormedId(token.Replace(".", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal)))
        {
            Refuse(RefusalReasons.Malformed, store);
            return;
        }

        string? previous = null;
        if (parts.Length >= 3)
        {
            // As for a delta batch's links: a previous key the fleet does not list, or the token's own key, is no rotation's link.
            var previousKey = parts[1].ToLowerInvariant();
            if (!_fingerprints.Contains(previousKey) || (parts.Length == 4 && string.Equals(previousKey, parts[3].ToLowerInvariant(), StringComparison.Ordinal)))
            {
                Refuse(RefusalReasons.LinkForeignKey, store);
            }
            else
            {
                previous = parts[2];
            }
        }

        var grain = grains.GetGrain<ICardProfileGrain>(token);
        var profile = await RetryAsync(() => grain.FetchForAsync(store), cancellationToken);
        if (previous is not null && !string.Equals(profile.FoldedFrom, previous, StringComparison.Ordinal)
            && await LinkAsync(store, token, previous, profile.FoldedFrom, cancellationToken) is null)
        {
            // The answer comes after the fold, so it carries the card's history from before the rotation.
            profile = await RetryAsync(() => grain.ReadExcludingAsync(store), cancellationToken);
        }

        // The answer leaves on the fetch connection, behind no push or receipt.
        await PublishProfileAsync(_fetchClient!, profile, correlation, cancellationToken);
    }

    private Task<MqttClientPublishResult> PublishProfileAsync(IMqttClient client, CardProfile profile, byte[]? correlation, CancellationToken cancellationToken)
    {
        var payments = profile.Payments.Select(p => new FleetDelta(
            profile.CardToken, p.PaymentId, p.EventUnixMs, p.Amount, p.MerchantHash, p.Latitude, p.Longitude)).ToList();
        // Version 1, which every store reads, those not yet upgraded too: the fleet is upgraded before its stores.
        var body = FleetDeltaCodec.Encode(new FleetDeltaBatch(profile.ExcludedStoreId, _options.KeyFingerprints[0], payments), FleetDeltaCodec.Version1);
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(FleetTopics.For(_options.UplinkTopicRoot, profile.ExcludedStoreId, FleetTopics.Profiles))
            .WithPayload(body)
            .WithUserProperty(FleetTopics.TokenProperty, Encoding.UTF8.GetBytes(profile.CardToken))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (correlation is not null)
        {
            builder.WithCorrelationData(correlation);
        }

        return client.PublishAsync(builder.Build(), cancellationToken);
    }

    /// <summary>
    /// Tells the store what became of its message, so its outbox can move on: the receipt carries the message's
    /// correlation data, or when it had none the message's receipt key (<see cref="FleetDeltaCodec.ReceiptKeyOf"/>).
    /// </summary>
    private Task<MqttClientPublishResult> ReceiptAsync(string store, byte[]? correlation, Receipt receipt, CancellationToken cancellationToken)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(FleetTopics.For(_options.UplinkTopicRoot, store, FleetTopics.Receipts))
            .WithPayload(JsonSerializer.SerializeToUtf8Bytes(receipt.Counts, ReceiptJson.Default.DictionaryStringInt32))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (correlation is not null)
        {
            builder.WithCorrelationData(correlation);
        }

        return _client!.PublishAsync(builder.Build(), cancellationToken);
    }

    /// <summary>
    /// A grain call retried while the cluster fails over (a silo died and its cards move): the message is
    /// acknowledged to the broker only once recorded, and a retry of a recorded batch is a duplicate, which changes nothing.
    /// </summary>
    private static async Task<T> RetryAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception) when (DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(250, cancellationToken);
            }
        }
    }

    public override void Dispose()
    {
        _fetchSlots.Dispose();
        base.Dispose();
    }

    private void Refuse(string reason, string store, int count = 1)
    {
        metrics.Refused(reason, count);
        refusals.Refused(reason, Profiles.CardProfileMerge.IsWellFormedId(store) ? store : "(malformed)", count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Uplink connected at {Host}:{Port}")]
    private partial void LogConnected(string host, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Uplink connected at {Host}:{Port} for first-sight fetches")]
    private partial void LogFetchConnected(string host, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Uplink at {Host}:{Port} not reachable ({Reason}); trying again")]
    private partial void LogConnectFailed(string host, int port, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The uplink broker refused the subscription to {Topic} ({Code}): the fleet does not see the stores' reported properties, and a rollout sees a refused model only when its gate times out")]
    private partial void LogReportsRefused(string topic, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An uplink message of store {Store} could not be handled")]
    private partial void LogHandleFailed(string store, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A metrics or reported-properties message of store {Store} does not read: {Error}")]
    private partial void LogMalformedSnapshot(string store, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "An uplink message of store {Store} does not decode: {Error}")]
    private partial void LogMalformed(string store, string error);
}
