using System.Net;
using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Embedded;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker.Support;

/// <summary>
/// One embedded broker on free loopback ports, with an <see cref="EchoSink"/> behind it and its metrics and log lines
/// recorded. <see cref="CrashAndRestartAsync"/> throws the broker away without a graceful stop and starts a new one on the
/// same ports with the same record, as a restarted agent would.
/// </summary>
internal sealed class TestBroker : IAsyncDisposable
{
    private readonly Action<MqttOptions>? _configure;
    private readonly IBrokerAccess? _access;
    private readonly TimeProvider _time;
    private readonly Func<int, IReadOnlyList<BrokerEndpoint>>? _endpoints;
    private readonly Func<IOwedAnswerStore>? _owedAnswers;
    private TestMeterFactory _meters = new();
    private IOwedAnswerStore? _owed;

    private TestBroker(Action<MqttOptions>? configure, IBrokerAccess? access, TimeProvider time, Func<int, IReadOnlyList<BrokerEndpoint>>? endpoints, Func<IOwedAnswerStore>? owedAnswers)
    {
        _owedAnswers = owedAnswers;
        _configure = configure;
        _access = access;
        _time = time;
        _endpoints = endpoints;
        Metrics = new MetricRecorder(_meters);
    }

    public const string Root = "pos";

    public EmbeddedBrokerIngest Ingest { get; private set; } = null!;

    public EchoSink Sink { get; } = new();

    public InMemoryRecentAnswerSource Record { get; } = new();

    public MetricRecorder Metrics { get; private set; }

    public LogRecorder Logs { get; } = new();

    public MqttOptions Options { get; private set; } = null!;

    /// <summary>The plaintext listener's port.</summary>
    public int Port { get; private set; }

    /// <summary>The TLS listener's port, when there is one.</summary>
    public int TlsPort { get; private set; }

    /// <summary>
    /// Starts a broker. <paramref name="endpoints"/> gets the plaintext port to use (0 the first time) and returns the
    /// listeners; by default one plaintext listener on 127.0.0.1.
    /// </summary>
    public static async Task<TestBroker> StartAsync(
        Action<MqttOptions>? configure = null,
        IBrokerAccess? access = null,
        TimeProvider? time = null,
        Func<int, IReadOnlyList<BrokerEndpoint>>? endpoints = null,
        Func<IOwedAnswerStore>? owedAnswers = null)
    {
        var broker = new TestBroker(configure, access, time ?? TimeProvider.System, endpoints, owedAnswers);
        broker.Sink.Record = broker.Record;
        await broker.StartIngestAsync(0, 0);
        return broker;
    }

    /// <summary>A kill: no graceful stop, every session gone; then a new broker on the same ports with the same record.</summary>
    public async Task CrashAndRestartAsync()
    {
        await Ingest.DisposeAsync();
        (_owed as IDisposable)?.Dispose(); // a store of owed answers is opened again from its files, as at a restart
        Metrics.Dispose();
        _meters.Dispose();
        _meters = new TestMeterFactory();
        Metrics = new MetricRecorder(_meters);
        await StartIngestAsync(Port, TlsPort);
    }

    /// <summary>Waits until the broker has seen <paramref name="count"/> more subscriptions than <paramref name="before"/>.</summary>
    public Task SubscribedAsync(long before, int count = 1) =>
        Eventually.TrueAsync(() => Ingest.Subscriptions >= before + count, "the broker saw the subscription");

    public async ValueTask DisposeAsync()
    {
        await Ingest.DisposeAsync();
        (_owed as IDisposable)?.Dispose();
        Metrics.Dispose();
        _meters.Dispose();
    }

    private async Task StartIngestAsync(int port, int tlsPort)
    {
        // The 3 s deadline before authentication is for a store node; a test machine shared by many test classes can take
        // longer than that to serve a CONNECT. Tests of the deadline set it themselves.
        var options = new MqttOptions { BrokerPreAuthTimeoutSeconds = 30 };
        _configure?.Invoke(options);
        Options = options;
        var endpoints = _endpoints?.Invoke(port) ?? [new BrokerEndpoint(new IPEndPoint(IPAddress.Loopback, port))];
        if (tlsPort != 0)
        {
            endpoints = [.. endpoints.Select(e => e.Tls is null ? e : e with { EndPoint = new IPEndPoint(e.EndPoint.Address, tlsPort) })];
        }

        _owed = _owedAnswers?.Invoke();
        Ingest = new EmbeddedBrokerIngest(options, Root, _access ?? new LoopbackBrokerAccess(options), Record, _time, _meters, Logs, endpoints, _owed);
        Sink.Publisher = Ingest;
        await Ingest.StartAsync(Sink, CancellationToken.None);
        Port = Ingest.Endpoints.FirstOrDefault(e => e.Tls is null)?.EndPoint.Port ?? 0;
        TlsPort = Ingest.Endpoints.FirstOrDefault(e => e.Tls is not null)?.EndPoint.Port ?? 0;
    }
}
