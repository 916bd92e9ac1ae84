using System.Text.Json;
using EdgeAgent.Cloud;
using EdgeAgent.Cloud.Buffer;
using EdgeAgent.Cloud.Sync;
using EdgeAgent.Cloud.Telemetry;
using EdgeAgent.Cloud.Transport;
using EdgeAgent.Core.Records;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Telemetry;
using EdgeAgent.Storage;
using EdgeAgent.Storage.Files;
using EdgeAgent.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Fleet.Tests.Infrastructure;

/// <summary>
/// One store's agent as far as its metric snapshots go, built from the agent's own parts: its
/// <see cref="MetricSnapshotter"/> and cloud buffer in a real LiteDB file, and its MQTT cloud transport logged in at
/// the broker as the store (client id and login = store id), which publishes on <c>edgeagent/{store}/metrics</c>.
/// Scoring is not run: the figures the host would read back from its meter are counted here.
/// </summary>
internal sealed class SnapshotAgent : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "edgeagent-snapagent-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly FedFigures _figures = new();
    private readonly LiteDbFile _file;
    private readonly CloudBuffer _buffer;
    private readonly MqttTargetTransport _transport;
    private readonly MetricSnapshotter _snapshotter;
    private readonly Lock _lock = new();
    private readonly KeptLog _log = new();
    private int _sent;
    private long _lastSent;

    /// <param name="storeId">The store: client id and login at the broker, and the messages' source.</param>
    /// <param name="brokerPort">The uplink broker's port.</param>
    /// <param name="model">The model name its snapshots report.</param>
    /// <param name="provider">The execution provider its snapshots report.</param>
    /// <param name="clock">The snapshotter's clock (its <c>at</c> and interval); the system's by default.</param>
    public SnapshotAgent(string storeId, int brokerPort, string model, string provider = "Cpu", TimeProvider? clock = null)
    {
        StoreId = storeId;
        var cloud = new CloudOptions
        {
            Transport = CloudTransportKind.Mqtt,
            Host = "127.0.0.1",
            Port = brokerPort,
            ClientId = storeId,
            Username = storeId,
            Password = UplinkBroker.PasswordOf(storeId),
            UseTls = false,
            MetricsIntervalSeconds = 1,
        };
        _file = new LiteDbFile(new StorageOptions { Path = _folder }, NullLogger.Instance, TimeProvider.System);
        _buffer = new CloudBuffer(new NoRecords(), new LiteDbCheckpoints(_file, CloudBuffer.StateCollection),
            new LiteDbQueue(_file, QueueStream.CollectionName(CloudStream.Alerts)), new LiteDbQueue(_file, QueueStream.CollectionName(CloudStream.Metrics)),
            storeId, cloud, TimeSpan.FromHours(1));
        _transport = new MqttTargetTransport(cloud, TimeProvider.System, _log);
        var status = new CloudStatus(_buffer, _transport, new CloudRuntimeSettings(cloud), TimeProvider.System);
        var agent = new AgentDescription("1.0.0-test", () => new ModelIdentity(model, "1.0.0"), () => provider, () => null);
        _snapshotter = new MetricSnapshotter(_figures, status, agent, _buffer, 8, clock ?? TimeProvider.System);
    }

    public string StoreId { get; }

    /// <summary>Snapshots the cloud acknowledged (the broker's PUBACK).</summary>
    public int Sent => Volatile.Read(ref _sent);

    /// <summary>When the broker acknowledged the last snapshot (<see cref="TimeProvider.GetTimestamp"/> of the system's clock).</summary>
    public long LastSent => Interlocked.Read(ref _lastSent);

    public async Task StartAsync()
    {
        await _transport.StartAsync(new QuietHandler(), CancellationToken.None);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!_transport.IsConnected)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{StoreId}'s cloud transport did not connect:\n" + _log);
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Counts <paramref name="payments"/> scored payments (a share <paramref name="flagged"/> declined, the rest approved,
    /// each taking <paramref name="latencyMs"/> end to end), then takes a snapshot and sends it as the agent's sync does.
    /// </summary>
    public async Task<JsonDocument> SnapshotAsync(int payments, double flagged, double latencyMs)
    {
        CloudMessage message;
        byte[] snapshot;
        lock (_lock)
        {
            var declines = (int)Math.Round(payments * flagged);
            for (var i = 0; i < payments; i++)
            {
                _figures.Count(i < declines ? Decision.Decline : Decision.Approve, latencyMs * 1000);
            }

            snapshot = _snapshotter.Take();
            message = _buffer.Metrics.Next() ?? throw new InvalidOperationException("the snapshot is not in the buffer");
        }

        await _transport.SendAsync(message, CancellationToken.None);
        Interlocked.Exchange(ref _lastSent, TimeProvider.System.GetTimestamp());
        _buffer.Metrics.Acknowledge(message, DateTimeOffset.UtcNow);
        Interlocked.Increment(ref _sent);
        return JsonDocument.Parse(snapshot);
    }

    /// <summary>Sends a snapshot every <paramref name="interval"/> until cancelled: the agent's metrics timer.</summary>
    public async Task RunAsync(TimeSpan interval, int paymentsPerSnapshot, double flagged, double latencyMs, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                (await SnapshotAsync(paymentsPerSnapshot, flagged, latencyMs)).Dispose();
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _transport.StopAsync(CancellationToken.None);
        await _transport.DisposeAsync();
        _file.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The transport's log lines, for a failure message.</summary>
    private sealed class KeptLog : Microsoft.Extensions.Logging.ILogger<MqttTargetTransport>
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (_lines.Count < 50)
            {
                _lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception?.Message}");
            }
        }

        public override string ToString() => string.Join('\n', _lines);
    }

    /// <summary>Scored payments, their decisions and their time from receipt to answer; nothing else happens here.</summary>
    private sealed class FedFigures : IPipelineFigures
    {
        private readonly LatencyHistogram _total = new();
        private readonly long[] _decisions = new long[Enum.GetValues<Decision>().Length];

        public long Received => _decisions.Sum();

        public long Scored => _decisions.Sum();

        public long Rejected => 0;

        public long Duplicates => 0;

        public long Acknowledged => 0;

        public long ModelErrors => 0;

        public long AnswerFailures => 0;

        public long InferenceBatches => 0;

        public long InferenceRows => 0;

        public void Count(Decision decision, double micros)
        {
            _decisions[(int)decision]++;
            _total.Record(micros);
        }

        public long DecisionCount(Decision decision) => _decisions[(int)decision];

        public IReadOnlyDictionary<string, long> RejectionsByCode() => new Dictionary<string, long>();

        public HistogramSnapshot Stage(PipelineStage stage) => stage == PipelineStage.Total ? _total.Snapshot() : HistogramSnapshot.Empty;
    }

    /// <summary>No records: this agent only sends snapshots.</summary>
    private sealed class NoRecords : IOutcomeLog
    {
        public long LastSequence => 0;

        public event Action<long>? Committed
        {
            add { }
            remove { }
        }

        public IReadOnlyList<RecordedOutcome> ReadAfter(long sequence, int max) => [];

        public int DeleteUpTo(long sequence) => 0;
    }

    /// <summary>No cloud commands in these tests.</summary>
    private sealed class QuietHandler : ICloudCommandHandler
    {
        public Task OnConnectedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnDesiredPropertiesAsync(JsonElement desired, bool complete, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnControlRefusedAsync(string reason, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<CloudMethodResponse> OnMethodAsync(string method, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
            Task.FromResult(CloudMethodResponse.Error(404, "no methods here"));
    }
}
