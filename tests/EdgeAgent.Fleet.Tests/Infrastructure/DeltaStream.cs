using System.Collections.Concurrent;
using EdgeAgent.Fleet.Contracts;

namespace EdgeAgent.Fleet.Tests.Infrastructure;

/// <summary>
/// Four stores streaming card deltas into the cluster, with duplicates and replays, each batch retried until the
/// fleet acknowledges it (as an uplink does), four at a time. A third of the batches go out at once; the rest wait
/// until <see cref="Release"/>, so that they meet whatever the test broke in between for sure.
/// </summary>
internal sealed class DeltaStream
{
    public static readonly string[] Stores = ["store-a", "store-b", "store-c", "store-d"];

    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _failedAfterRelease = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _holdFrom;
    private int _sent;
    private int _failedTries;

    /// <param name="cluster">Where the deltas go.</param>
    /// <param name="random">The payments' and replays' randomness.</param>
    /// <param name="prefix">The cards' tokens start with it.</param>
    /// <param name="cardCount">How many cards.</param>
    /// <param name="patience">How long one batch is retried.</param>
    public DeltaStream(FleetCluster cluster, Random random, string prefix, int cardCount, TimeSpan patience)
    {
        Cards = Enumerable.Range(0, cardCount).Select(i => $"{prefix}-{i:d2}-{Guid.NewGuid():N}").ToList();
        Payments = TestPayments.Generate(random, Cards, Stores, perCardPerStore: 4, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var batches = TestPayments.WithDuplicatesAndReplays(random, Payments);
        Batches = batches.Count;
        _holdFrom = batches.Count / 3;
        Completion = Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (b, ct) =>
        {
            if (Interlocked.Increment(ref _sent) > _holdFrom)
            {
                await _released.Task.WaitAsync(ct);
            }

            var deadline = DateTime.UtcNow + patience;
            while (true)
            {
                try
                {
                    await cluster.Client.GetGrain<ICardProfileGrain>(b.Card).RecordAsync(b.Store, b.Batch);
                    foreach (var d in b.Batch)
                    {
                        Acknowledged.TryAdd((b.Store, d.PaymentId), 0);
                    }

                    return;
                }
                catch (Exception ex) when (DateTime.UtcNow < deadline && ex is not Xunit.Sdk.XunitException)
                {
                    // An uplink resends until the receipt comes; per-store slots keyed by payment id make it harmless.
                    Interlocked.Increment(ref _failedTries);
                    if (_released.Task.IsCompleted)
                    {
                        _failedAfterRelease.TrySetResult();
                    }

                    await Task.Delay(200, ct);
                }
            }
        });
    }

    public List<string> Cards { get; }

    public List<StorePayment> Payments { get; }

    public int Batches { get; }

    /// <summary>The payments the fleet acknowledged, by store and payment id.</summary>
    public ConcurrentDictionary<(string Store, string PaymentId), byte> Acknowledged { get; } = new();

    public int FailedTries => Volatile.Read(ref _failedTries);

    /// <summary>Done when every batch is acknowledged (or one gave up).</summary>
    public Task Completion { get; }

    /// <summary>Completes once a try failed after <see cref="Release"/>.</summary>
    public Task FailedAfterRelease => _failedAfterRelease.Task;

    /// <summary>Waits until the first third of the batches went out (or the stream ended).</summary>
    public async Task FirstThirdSentAsync()
    {
        while (Volatile.Read(ref _sent) < _holdFrom && !Completion.IsCompleted)
        {
            await Task.Delay(10);
        }
    }

    /// <summary>Lets the rest of the batches go.</summary>
    public void Release() => _released.TrySetResult();
}
