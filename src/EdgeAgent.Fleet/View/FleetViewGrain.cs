using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace EdgeAgent.Fleet.View;

/// <summary>
/// The fleet's view, held in memory on purpose: it is a cache of the stores' last snapshots, each replaced by the
/// next one an interval later. Writing it to Redis (fsynced on every write) would cost one disk write per snapshot
/// of every store for figures that are stale one interval later; when the silo that holds it dies, the activation
/// starts again empty on a survivor and is whole again one snapshot interval later. Until then a store it has not
/// heard from is <see cref="StoreState.Pending"/>, not offline: a restart of the view must not page anyone.
/// Online, offline and the bands are judged when the view is read, against the clock, so no timer is needed.
/// </summary>
internal sealed class FleetViewGrain(IOptions<FleetOptions> options, TimeProvider time) : Grain, IFleetViewGrain
{
    private readonly FleetOptions _options = options.Value;
    private readonly Dictionary<string, StoreSnapshot> _last = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoreReport> _reports = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string Epoch, DateTimeOffset Until)>> _superseded = new(StringComparer.Ordinal);
    private DateTimeOffset _started;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _started = time.GetUtcNow();
        return Task.CompletedTask;
    }

    public Task RecordAsync(StoreSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);

        var now = time.GetUtcNow();
        if (_last.TryGetValue(snapshot.StoreId, out var previous) && !StoreJudge.Replaces(previous, snapshot, epoch => WasReplaced(snapshot.StoreId, epoch, now)))
        {
            return Task.CompletedTask;
        }

        _last[snapshot.StoreId] = snapshot;
        if (previous?.Epoch is { } gone && snapshot.Epoch is { } current && !string.Equals(gone, current, StringComparison.Ordinal))
        {
            Supersede(snapshot.StoreId, gone, now);
        }

        return Task.CompletedTask;
    }

    public Task RecordReportAsync(StoreReport report)
    {
        ArgumentNullException.ThrowIfNull(report);

        // Every silo reads the retained reports when it connects: an older one arriving late does not replace a newer.
        if (_options.KnownStores.Contains(report.StoreId, StringComparer.Ordinal)
            && (!_reports.TryGetValue(report.StoreId, out var previous) || report.DesiredVersion >= previous.DesiredVersion))
        {
            _reports[report.StoreId] = report;
        }

        return Task.CompletedTask;
    }

    [ReadOnly]
    public Task<IReadOnlyList<StoreView>> StoresAsync()
    {
        var now = time.GetUtcNow();
        return Task.FromResult<IReadOnlyList<StoreView>>(_options.KnownStores.Select(s => Judge(s, now)).ToList());
    }

    [ReadOnly]
    public Task<StoreView?> StoreAsync(string storeId) =>
        Task.FromResult(_options.KnownStores.Contains(storeId, StringComparer.Ordinal) ? Judge(storeId, time.GetUtcNow()) : null);

    /// <summary>
    /// Remembers that a store's database gave way to a new one, so that copies of its messages still in flight never take
    /// the view back. For one snapshot interval: the broker keeps one publisher's messages in order, so only the silos of
    /// the shared subscription can swap two of them, by far less; and a wrong guess (a view that restarted and met a late
    /// copy first) costs the store at most that long, never for good.
    /// </summary>
    private void Supersede(string storeId, string epoch, DateTimeOffset now)
    {
        if (!_superseded.TryGetValue(storeId, out var epochs))
        {
            _superseded[storeId] = epochs = [];
        }

        // Oldest first; a store that keeps changing its database (a bug, or made-up epochs from its own uplink) holds a few.
        epochs.RemoveAll(e => string.Equals(e.Epoch, epoch, StringComparison.Ordinal));
        if (epochs.Count >= MaxSupersededEpochs)
        {
            epochs.RemoveAt(0);
        }

        epochs.Add((epoch, now + _options.SnapshotInterval));
    }

    private const int MaxSupersededEpochs = 8;

    /// <summary>Whether the store's database <paramref name="epoch"/> gave way to another within the last interval.</summary>
    private bool WasReplaced(string storeId, string epoch, DateTimeOffset now) =>
        _superseded.TryGetValue(storeId, out var epochs)
        && epochs.Exists(e => e.Until >= now && string.Equals(e.Epoch, epoch, StringComparison.Ordinal));

    private StoreView Judge(string storeId, DateTimeOffset now) =>
        StoreJudge.Judge(storeId, _last.GetValueOrDefault(storeId), now, _started, _options) with { Report = _reports.GetValueOrDefault(storeId) };
}
