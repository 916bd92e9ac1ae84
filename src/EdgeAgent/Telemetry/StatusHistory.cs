using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Telemetry;
using EdgeAgent.Telemetry.Readback;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Telemetry;

/// <summary>One interval of the status page's charts.</summary>
/// <param name="At">When the interval ended.</param>
/// <param name="Throughput">Messages handled (scored, rejected, duplicate) per second.</param>
/// <param name="P99Ms">The 99th percentile of receipt to answer, in milliseconds; null when nothing was answered.</param>
/// <param name="AlertRate">Review and decline decisions per hundred scored payments; null when nothing was scored.</param>
public sealed record ChartPoint(DateTimeOffset At, double Throughput, double? P99Ms, double? AlertRate);

/// <summary>The last minutes the status page draws: one point an interval, oldest first.</summary>
public sealed record StatusCharts(int IntervalSeconds, IReadOnlyList<ChartPoint> Points);

/// <summary>
/// Takes the figures the status page charts every <see cref="TelemetryOptions.ChartIntervalSeconds"/>: the
/// difference of the instruments' totals between two ticks, so each point is that interval alone, where /status's
/// own figures are since the start. Kept in memory for <see cref="Capacity"/> intervals (ten minutes at the
/// default), so a page opened after a replay still shows it.
/// </summary>
internal sealed class StatusHistory(PipelineReadings readings, IOptions<TelemetryOptions> options, TimeProvider time) : BackgroundService
{
    public const int Capacity = 120;

    private readonly Queue<ChartPoint> _points = new(Capacity);
    private readonly Lock _lock = new();
    private Totals _last;

    /// <summary>The points so far.</summary>
    public StatusCharts Charts
    {
        get
        {
            lock (_lock)
            {
                return new StatusCharts(options.Value.ChartIntervalSeconds, [.. _points]);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _last = Read();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ChartIntervalSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Take();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void Take()
    {
        var now = Read();
        var seconds = time.GetElapsedTime(_last.Timestamp, now.Timestamp).TotalSeconds;
        var answered = now.Latency.Since(_last.Latency);
        var scored = now.Scored - _last.Scored;
        var point = new ChartPoint(
            time.GetUtcNow(),
            seconds <= 0 ? 0 : Math.Round((now.Handled - _last.Handled) / seconds, 2),
            answered.Count == 0 ? null : Math.Round(answered.Percentile(0.99) / 1000, 3),
            scored == 0 ? null : Math.Round(100.0 * (now.Alerts - _last.Alerts) / scored, 2));
        _last = now;
        lock (_lock)
        {
            if (_points.Count == Capacity)
            {
                _points.Dequeue();
            }

            _points.Enqueue(point);
        }
    }

    private Totals Read() => new(
        time.GetTimestamp(),
        readings.Scored + readings.Rejected + readings.Duplicates,
        readings.Scored,
        readings.DecisionCount(Decision.Review) + readings.DecisionCount(Decision.Decline),
        readings.Stage(PipelineStage.Total));

    private readonly record struct Totals(long Timestamp, long Handled, long Scored, long Alerts, HistogramSnapshot Latency);
}
