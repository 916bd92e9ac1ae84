using EdgeAgent.Core.Scoring.Drift;

namespace EdgeAgent.Hosting;

/// <summary>
/// Checks the drift watch every <see cref="DriftOptions.CheckIntervalSeconds"/> and logs when the active model's
/// traffic drifts past the warning line or its hourly alert rate leaves the band its card expects, and again when
/// it comes back: one line per change, not one per check.
/// </summary>
public sealed partial class DriftWatchService(DriftMonitor monitor, DriftOptions options, TimeProvider time, ILogger<DriftWatchService> logger)
    : BackgroundService
{
    private bool _drifting;
    private bool _outOfBand;
    private PeriodicTimer? _timer;

    /// <summary>Starts the clock before the loop runs, so the first check is one interval after start.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = new PeriodicTimer(TimeSpan.FromSeconds(options.CheckIntervalSeconds), time);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    /// <summary>Compares the monitor's state with the last check's and logs what changed.</summary>
    public void Check()
    {
        var s = monitor.Snapshot();
        var model = s.Model?.ToString() ?? "none";
        var drifting = s.Drifted.Count > 0;
        if (drifting && !_drifting)
        {
            LogDrift(model, string.Join(", ", s.Drifted), options.PsiWarning, s.ScorePsi, s.Payments);
        }
        else if (!drifting && _drifting)
        {
            LogDriftCleared(model, s.Payments);
        }

        if (s.AlertRateOutOfBand && !_outOfBand)
        {
            LogAlertRateOutOfBand(model, s.AlertRateLastHour ?? 0, s.PaymentsLastHour, s.Band?.HourlyLow ?? 0, s.Band?.HourlyHigh ?? 1);
        }
        else if (!s.AlertRateOutOfBand && _outOfBand)
        {
            LogAlertRateInBand(model, s.AlertRateLastHour ?? 0, s.PaymentsLastHour);
        }

        (_drifting, _outOfBand) = (drifting, s.AlertRateOutOfBand);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timer = _timer ?? throw new InvalidOperationException("The service was not started.");
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Check();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Model {Model} drifts from its training months: {Drifted} at or past PSI {Line} (score PSI {ScorePsi:F3}) over the last {Payments} payments")]
    private partial void LogDrift(string model, string drifted, double line, double scorePsi, long payments);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "Model {Model} is back within its drift line over the last {Payments} payments")]
    private partial void LogDriftCleared(string model, long payments);

    [LoggerMessage(EventId = 702, Level = LogLevel.Warning, Message = "Model {Model} alerted on {Rate:P2} of the last hour's {Payments} payments, outside the band its card expects ({Low:P2} to {High:P2})")]
    private partial void LogAlertRateOutOfBand(string model, double rate, long payments, double low, double high);

    [LoggerMessage(EventId = 703, Level = LogLevel.Information, Message = "Model {Model} alert rate is back in its band: {Rate:P2} of the last hour's {Payments} payments")]
    private partial void LogAlertRateInBand(string model, double rate, long payments);
}
