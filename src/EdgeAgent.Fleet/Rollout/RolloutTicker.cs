using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Fleet.Rollout;

/// <summary>
/// Moves the rollout on from every silo, every <c>Fleet:RolloutCheckInterval</c>: the grain is called, so it is
/// activated again from storage on a survivor when its silo died; no reminder service is needed. Three silos ticking
/// one grain cost three calls per interval, and the grain takes them one at a time. After each tick the silo claims
/// the desired documents the grain owes and publishes them here, outside the grain (retained, signed, each until the
/// broker acknowledges it), then tells the grain which went out; what failed stays owed for the next tick, here or on
/// another silo.
/// </summary>
internal sealed partial class RolloutTicker(
    IGrainFactory grains,
    DesiredPublisher publisher,
    FleetMetrics metrics,
    RefusalLog refusals,
    IOptions<FleetOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<RolloutTicker> logger) : BackgroundService
{
    private readonly string _silo = $"{options.Value.AdvertisedAddress}:{options.Value.SiloPort}";

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
                var rollout = grains.GetGrain<IRolloutGrain>(IRolloutGrain.Key);
                try
                {
                    await rollout.TickAsync();
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // A silo joining or dying: the next tick, here or on another silo, tries again.
                    LogTickFailed(ex.Message);
                }

                try
                {
                    await DeliverAsync(rollout, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The grain unreachable: what it owes stays owed, and the claim runs out by itself.
                    LogTickFailed(ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(IRolloutGrain rollout, CancellationToken stoppingToken)
    {
        var owed = await rollout.ClaimDeliveriesAsync(_silo);
        if (owed.Count == 0)
        {
            return;
        }

        // Within the budget, well inside the claim's lease: no other silo publishes while this one may still.
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        budget.CancelAfter(IRolloutGrain.DeliveryBudget);
        var delivered = new List<DesiredDelivery>(owed.Count);
        foreach (var document in owed)
        {
            try
            {
                await publisher.PublishAsync(document.Store, DesiredDocument.Write(document.Version, document.ModelJson), budget.Token);
                delivered.Add(document);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or OperationCanceledException
                or MQTTnet.Exceptions.MqttCommunicationException)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    throw;
                }

                metrics.RolloutStep("delivery_failed");
                refusals.RolloutDeliveryFailed(document.Store, ex.Message);
            }
        }

        await rollout.DeliveredAsync(_silo, delivered);
        LogDelivered(delivered.Count, owed.Count);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rollout tick failed: {Reason}")]
    private partial void LogTickFailed(string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Desired documents published: {Delivered} of {Owed}")]
    private partial void LogDelivered(int delivered, int owed);
}
