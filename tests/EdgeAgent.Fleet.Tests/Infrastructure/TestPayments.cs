using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Fleet.Contracts;

namespace EdgeAgent.Fleet.Tests.Infrastructure;

/// <summary>One store's payment of a card, as the store would send it.</summary>
internal sealed record StorePayment(string StoreId, CardDelta Delta);

/// <summary>Random but reproducible payments of a few cards at a few stores, all within the last six days.</summary>
internal static class TestPayments
{
    public static List<StorePayment> Generate(Random random, IReadOnlyList<string> cards, IReadOnlyList<string> stores, int perCardPerStore, long nowUnixMs)
    {
        var payments = new List<StorePayment>();
        var times = new HashSet<long>();
        foreach (var card in cards)
        {
            foreach (var store in stores)
            {
                for (var i = 0; i < perCardPerStore; i++)
                {
                    long at;
                    do
                    {
                        at = nowUnixMs - random.NextInt64(60_000, 6L * 24 * 3600 * 1000);
                    }
                    while (!times.Add(at));

                    var located = random.Next(4) != 0;
                    payments.Add(new StorePayment(store, new CardDelta(
                        CardDelta.CurrentSchema,
                        card,
                        $"{store}-pay-{i}-{random.Next():x8}",
                        at,
                        Math.Round(random.NextDouble() * 300 + 1, 2),
                        random.Next(),
                        located ? Math.Round(random.NextDouble() * 10 + 45, 5) : double.NaN,
                        located ? Math.Round(random.NextDouble() * 10 + 5, 5) : double.NaN)));
                }
            }
        }

        return payments;
    }

    /// <summary>
    /// What an agent that saw every given payment exactly once holds for the card: the oracle a merged profile
    /// must equal.
    /// </summary>
    public static IReadOnlyList<RecentPayment> SeenOnce(IEnumerable<StorePayment> payments)
    {
        var history = new CardHistory();
        foreach (var p in payments.OrderBy(p => p.Delta.EventUnixMs))
        {
            var d = p.Delta;
            history.Add(d.EventUnixMs, d.Amount, d.MerchantHash, double.IsNaN(d.Latitude) ? null : new GeoPoint(d.Latitude, d.Longitude));
        }

        return history.Recent;
    }

    public static IReadOnlyList<RecentPayment> AsRecent(CardProfile profile) =>
        [.. profile.Payments.Select(p => new RecentPayment(p.EventUnixMs, p.Amount, p.MerchantHash, p.Latitude, p.Longitude))];

    /// <summary>
    /// A store's uplink after an outage: every payment, a second copy of some (retries), and the whole outbox again
    /// (a replay), shuffled and cut into batches of one to seven per card.
    /// </summary>
    public static List<(string Store, string Card, CardDelta[] Batch)> WithDuplicatesAndReplays(Random random, IEnumerable<StorePayment> payments)
    {
        var sent = new List<StorePayment>();
        foreach (var p in payments)
        {
            sent.Add(p);
            sent.Add(p);
            if (random.Next(2) == 0)
            {
                sent.Add(p);
            }
        }

        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sent));
        var batches = new List<(string, string, CardDelta[])>();
        foreach (var group in sent.GroupBy(p => (p.StoreId, p.Delta.CardToken)))
        {
            var items = group.ToList();
            for (var at = 0; at < items.Count;)
            {
                var size = Math.Min(random.Next(1, 8), items.Count - at);
                batches.Add((group.Key.StoreId, group.Key.CardToken, [.. items.Skip(at).Take(size).Select(p => p.Delta)]));
                at += size;
            }
        }

        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batches));
        return batches;
    }
}
