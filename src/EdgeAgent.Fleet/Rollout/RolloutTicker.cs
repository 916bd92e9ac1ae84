using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Fleet.Rollout;

/// <summary>
/// Moves the rollout on from every silo, every <c>Fleet:RolloutCheckInterval</c>: the grain is called, so it is
/// activated again from storage on a survivor when its silo died; no reminder service is needed. Three silos ticking
/// one grain cost three calls per interval, and the grain takes them one at a time.
/// </summary>
internal sealed partial class RolloutTicker(
    IGrainFactory grains,
    IOptions<FleetOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<RolloutTicker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        using var timer = new PeriodicTimer(options.Value.RolloutCheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await grains.GetGrain<IRolloutGrain>(IRolloutGrain.Key).TickAsync();
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // A silo joining or dying: the next tick, here or on another silo, tries again.
                    LogTickFailed(ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rollout tick failed: {Reason}")]
    private partial void LogTickFailed(string reason);
}
