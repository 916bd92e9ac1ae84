using System.Diagnostics.Metrics;
using EdgeAgent.Cloud.Fleet;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Records;
using EdgeAgent.Security;
using EdgeAgent.Storage;
using EdgeAgent.Storage.Files;
using EdgeAgent.Storage.Queues;

namespace EdgeAgent.Hosting;

/// <summary>
/// The store's link to the fleet (section <c>Fleet</c>): off while <c>Fleet:Host</c> is empty, when nothing of it is
/// built and the agent scores on its own history exactly as without a fleet. On, the link shares the pipeline's feature
/// state (it only offers profiles through the state's thread-safe door), the scoring loop fetches first sights through it,
/// and the record is its outbox.
/// </summary>
public static class FleetServices
{
    /// <summary>Collection of the fleet's saved position in the agent's database file.</summary>
    public const string StateCollection = "fleet_state";

    public static IServiceCollection AddFleetLink(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var options = sp.Value<FleetLinkOptions>();
            if (!options.Enabled)
            {
                return new AgentFleet(null, null, null);
            }

            var tokenization = sp.Value<TokenizationOptions>();
            if (string.IsNullOrWhiteSpace(tokenization.KeyFile) && string.IsNullOrWhiteSpace(tokenization.Key))
            {
                // A key generated on this node makes tokens no other store shares: its cards would never meet the fleet's.
                throw new InvalidOperationException(
                    "Fleet:Host is set, but no Tokenization:KeyFile: every store of a fleet needs the fleet's one tokenization key (docs/fleet.md).");
            }

            var pipeline = sp.Value<PipelineOptions>();
            var store = sp.GetRequiredService<LiteDbOutcomeStore>();
            var time = sp.GetRequiredService<TimeProvider>();
            var state = new FeatureState(store, pipeline.MaxCardsInMemory, pipeline.MaxMerchantsInMemory);
            var tokenizer = sp.GetRequiredService<Core.Tokenization.CardTokenizer>();
            var link = new FleetLink(options, state, tokenizer.Fingerprint, time,
                sp.GetRequiredService<IMeterFactory>(), sp.GetRequiredService<ILogger<FleetLink>>(), tokenizer.PreviousFingerprint);
            var outbox = new FleetOutbox(link, store, new LiteDbCheckpoints(sp.GetRequiredService<LiteDbFile>(), StateCollection), options, time,
                sp.GetRequiredService<ILogger<FleetOutbox>>());
            return new AgentFleet(link, outbox, state);
        });

        // The record is the fleet's outbox: whatever deletes outcomes (retention, the cloud sync) keeps those the fleet has not receipted.
        services.AddSingleton<IOutcomeLog>(sp =>
        {
            var store = sp.GetRequiredService<LiteDbOutcomeStore>();
            return sp.GetRequiredService<AgentFleet>().Outbox is { } outbox ? new FleetHeldLog(store, outbox) : store;
        });
        services.AddHostedService<FleetLinkService>();
        return services;
    }
}

/// <summary>The fleet link's parts, all null when the agent runs without a fleet.</summary>
public sealed class AgentFleet(FleetLink? link, FleetOutbox? outbox, FeatureState? state) : IAsyncDisposable
{
    public FleetLink? Link => link;

    public FleetOutbox? Outbox => outbox;

    /// <summary>The pipeline's feature state, shared with the link; the scoring loop stays its one owner.</summary>
    public FeatureState? State => state;

    public async ValueTask DisposeAsync()
    {
        outbox?.Dispose();
        if (link is not null)
        {
            await link.DisposeAsync();
        }
    }
}

/// <summary>The record as the log others read and trim, trimmed never past what the fleet has receipted.</summary>
internal sealed class FleetHeldLog(IOutcomeLog inner, FleetOutbox outbox) : IOutcomeLog
{
    public long LastSequence => inner.LastSequence;

    public event Action<long>? Committed
    {
        add => inner.Committed += value;
        remove => inner.Committed -= value;
    }

    public IReadOnlyList<RecordedOutcome> ReadAfter(long sequence, int max) => inner.ReadAfter(sequence, max);

    public int DeleteUpTo(long sequence) => inner.DeleteUpTo(Math.Min(sequence, outbox.SentUpTo));
}

/// <summary>
/// Runs the link while the agent runs: keeps the connection, feeds it from the record, and forgets fleet profiles not
/// renewed within the card windows (the next payment of such a card fetches it again), so the profiles held never fill
/// their cap with cards long gone.
/// </summary>
internal sealed partial class FleetLinkService(AgentFleet fleet, TimeProvider time, ILogger<FleetLinkService> logger) : BackgroundService
{
    private static readonly TimeSpan ProfileLifetime = TimeSpan.FromDays(7);
    private static readonly TimeSpan ForgetPeriod = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (fleet is not { Link: { } link, Outbox: { } outbox, State: { } state })
        {
            return;
        }

        await Task.Yield();
        var running = link.RunAsync(stoppingToken);
        var feeding = outbox.RunAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(ForgetPeriod, time, stoppingToken);
                var forgotten = state.ForgetOtherStoresBefore(time.GetUtcNow() - ProfileLifetime);
                if (forgotten > 0)
                {
                    LogForgotten(forgotten);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }

        await Task.WhenAll(running, feeding);
    }

    [LoggerMessage(EventId = 448, Level = LogLevel.Information, Message = "Forgot the fleet profiles of {Count} cards not renewed for seven days")]
    private partial void LogForgotten(int count);
}
