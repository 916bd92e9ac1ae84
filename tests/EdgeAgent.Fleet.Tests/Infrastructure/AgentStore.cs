using EdgeAgent.Cloud.Fleet;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Fleet;
using EdgeAgent.Core.Payments;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Fleet.Tests.Infrastructure;

/// <summary>
/// A store as the agent runs its fleet side: the real feature state and extractor (the one feature code path) and the
/// agent's <see cref="FleetLink"/>, logged in at the uplink broker as the store.
/// </summary>
internal sealed class AgentStore : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    /// <summary>
    /// A store on the fleet's key by default, or on <paramref name="keyFingerprint"/>'s; during a key rotation
    /// <paramref name="previousKeyFingerprint"/> makes its link name the cards' previous-key tokens.
    /// </summary>
    /// <param name="storeId">The store, and its login at the broker.</param>
    /// <param name="port">The broker's port: the plain one, or the TLS one with <paramref name="tls"/>.</param>
    /// <param name="fetchBudget">The link's first-sight fetch budget.</param>
    /// <param name="keyFingerprint">The store's tokenization key's fingerprint; null: the fleet's key.</param>
    /// <param name="previousKeyFingerprint">The previous key's fingerprint during a rotation, or null.</param>
    /// <param name="tls">The authority the broker's certificate must chain to and this store's certificate and key: the
    /// link goes over TLS and logs in by its certificate. Null: a password on the plain port.</param>
    public AgentStore(string storeId, int port, TimeSpan fetchBudget, string? keyFingerprint = null, string? previousKeyFingerprint = null, StoreTls? tls = null)
    {
        StoreId = storeId;
        Extractor = new FeatureExtractor(State);
        Link = new FleetLink(
            new FleetLinkOptions
            {
                Host = "127.0.0.1",
                Port = port,
                Username = tls is null ? storeId : null,
                Password = tls is null ? UplinkBroker.PasswordOf(storeId) : null,
                UseTls = tls is not null,
                TrustedCertificatesPath = tls?.AuthorityFile,
                CertificatePath = tls?.CertificateFile,
                CertificateKeyPath = tls?.KeyFile,
                StoreId = storeId,
                TopicRoot = UplinkBroker.Root,
                FetchBudget = fetchBudget,
                FlushInterval = TimeSpan.Zero,
                ReceiptTimeout = TimeSpan.FromSeconds(15),
            },
            State, keyFingerprint ?? FleetLinkCluster.FleetKeyFingerprint, TimeProvider.System, new TestMeterFactory(), NullLogger<FleetLink>.Instance,
            previousKeyFingerprint);
        _run = Link.RunAsync(_stop.Token);
    }

    public string StoreId { get; }

    public FeatureState State { get; } = new();

    public FeatureExtractor Extractor { get; }

    public FleetLink Link { get; }

    /// <summary>Every delta this store produced, for a replay of the whole outbox.</summary>
    public List<FleetDelta> Sent { get; } = [];

    public async Task WaitUpAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Link.IsUp)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{StoreId}: the fleet link never came up");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The payment's features from this store's history merged with the fleet's; then its delta waits in the outbox.</summary>
    public float[] Score(PaymentEvent payment)
    {
        var features = new float[FeatureSchema.Count];
        Extractor.ComputeAndApply(payment, features);
        var delta = FleetDelta.Of(payment);
        Sent.Add(delta);
        Link.Enqueue(delta);
        return features;
    }

    /// <summary>Flushes the outbox, trying again while the link is down, until <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyDictionary<string, int>> FlushAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return await Link.FlushAsync(_stop.Token);
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
        }

        await Link.DisposeAsync();
        _stop.Dispose();
    }

    private sealed class TestMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        private readonly List<System.Diagnostics.Metrics.Meter> _meters = [];

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            var meter = new System.Diagnostics.Metrics.Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }
        }
    }
}

/// <summary>A store's TLS files at the uplink: the authority it trusts, its certificate and key.</summary>
internal sealed record StoreTls(string AuthorityFile, string CertificateFile, string KeyFile);
