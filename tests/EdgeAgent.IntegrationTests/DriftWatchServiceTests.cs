using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Scoring.Drift;
using EdgeAgent.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.IntegrationTests;

/// <summary>The drift watch service logs a warning when a shifted stream drifts, on the fake clock's tick.</summary>
public sealed class DriftWatchServiceTests
{
    private static readonly ModelIdentity Model = new("fraud-test", "1.0.0");

    private static readonly ModelReference Reference = new()
    {
        Period = "train",
        Score = new BinnedDistribution { Edges = [0.5f], Shares = [0.9, 0.1] },
        Features = [new FeatureDistribution { Name = "amount", Distribution = new BinnedDistribution { Edges = [10f, 100f], Shares = [0.3, 0.5, 0.2] } }],
        AlertRate = new AlertRateBand { Expected = 0.02, HourlyLow = 0, HourlyHigh = 0.1, MinPaymentsPerHour = 30 },
    };

    [Fact]
    public async Task A_shifted_stream_is_logged_as_drift_and_an_alert_rate_out_of_band()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
        var options = new DriftOptions { WindowPayments = 2000, MinPayments = 500, CheckIntervalSeconds = 60 };
        using var meters = new Meters();
        using var monitor = new DriftMonitor(meters, time, options, m => m == Model ? Reference : null);
        var logger = new RecordingLogger();
        using var service = new DriftWatchService(monitor, options, time, logger);
        await service.StartAsync(CancellationToken.None);

        var features = new float[FeatureSchema.Count];
        features[0] = 900f; // every amount far above the training months'
        for (var i = 0; i < 1000; i++)
        {
            monitor.Observe(Model, 0.9, alerted: i % 2 == 0, features);
        }

        time.Advance(TimeSpan.FromSeconds(60));
        var drift = await logger.WaitForAsync(700);
        var rate = await logger.WaitForAsync(702);
        await service.StopAsync(CancellationToken.None);

        Assert.Equal(LogLevel.Warning, drift.Level);
        Assert.Contains("score, amount", drift.Message, StringComparison.Ordinal);
        Assert.Contains("fraud-test@1.0.0", drift.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Warning, rate.Level);
        Assert.Contains("50.00 %", rate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stream_like_the_training_months_logs_nothing()
    {
        var time = new FakeTimeProvider();
        var options = new DriftOptions { WindowPayments = 2000, MinPayments = 500 };
        using var meters = new Meters();
        using var monitor = new DriftMonitor(meters, time, options, _ => Reference);
        var logger = new RecordingLogger();
        using var service = new DriftWatchService(monitor, options, time, logger);
        for (var i = 0; i < 2000; i++)
        {
            var features = new float[FeatureSchema.Count];
            features[0] = (i % 10) switch { < 3 => 5f, < 8 => 50f, _ => 500f };
            monitor.Observe(Model, i % 10 == 0 ? 0.9 : 0.1, alerted: i % 50 == 0, features);
        }

        service.Check();

        Assert.Empty(logger.Entries);
    }

    private sealed class Meters : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }

    private sealed class RecordingLogger : ILogger<DriftWatchService>
    {
        private readonly ConcurrentDictionary<int, TaskCompletionSource<(LogLevel Level, string Message)>> _waits = new();

        public ConcurrentQueue<(int EventId, LogLevel Level, string Message)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            Entries.Enqueue((eventId.Id, logLevel, message));
            Wait(eventId.Id).TrySetResult((logLevel, message));
        }

        public async Task<(LogLevel Level, string Message)> WaitForAsync(int eventId) =>
            await Wait(eventId).Task.WaitAsync(TimeSpan.FromSeconds(10));

        private TaskCompletionSource<(LogLevel, string)> Wait(int eventId) =>
            _waits.GetOrAdd(eventId, _ => new TaskCompletionSource<(LogLevel, string)>(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
