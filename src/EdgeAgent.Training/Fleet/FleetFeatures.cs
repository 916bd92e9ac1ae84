using System.Runtime.InteropServices;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;

namespace EdgeAgent.Training.Fleet;

/// <summary>
/// One agent per store, each with its own <see cref="FeatureState"/> and the agent's own <see cref="FeatureExtractor"/>:
/// a store computes a payment's features from its own payments and from the other stores' payments that have reached
/// it, those at least <c>lag</c> of payment time old (none when there is no fleet). Other stores' payments join a
/// store's card history through <see cref="CardHistory.Add"/>, which keeps the list in event-time order whatever order
/// they arrive in, and the extractor counts only payments strictly earlier than the one it scores, so late arrivals
/// are counted as a live agent would count them. The merchant features stay each store's own: a merchant sells in
/// one store.
/// </summary>
/// <remarks>
/// A store reads a card's history only when that card pays there, so the other stores' payments of a card are fed to
/// a store at that moment, every one whose lag has passed, rather than to every store as soon as the lag passes: the
/// features are the same and the work grows with the payments rather than with payments × stores. Payments are
/// released in the order they were paid (the data is in time order); payments older than the card windows are not
/// fed, since no feature reads them.
/// </remarks>
public sealed class FleetFeatures
{
    private readonly Func<int, long, long>? _lagMsOf;
    private readonly Dictionary<string, Store> _stores = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Paid>> _cards = new(StringComparer.Ordinal);

    /// <param name="lag">How long after a payment the other stores see it; null for no fleet (each store alone).</param>
    public FleetFeatures(TimeSpan? lag)
    {
        if (lag < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lag), "A lag is not negative.");
        }

        _lagMsOf = lag is { } l ? (_, _) => (long)l.TotalMilliseconds : null;
    }

    private FleetFeatures(Func<int, long, long> lagMsOf) => _lagMsOf = lagMsOf;

    /// <summary>
    /// A fleet whose lags differ from store to store and hour to hour: <paramref name="lagOf"/> gives the lag a store's
    /// link has when it scores a payment, from the store's index (in order of first payment) and the payment's time (Unix ms).
    /// </summary>
    public static FleetFeatures WithLags(Func<int, long, TimeSpan> lagOf)
    {
        ArgumentNullException.ThrowIfNull(lagOf);
        return new FleetFeatures((store, at) => lagOf(store, at) is var lag && lag >= TimeSpan.Zero
            ? (long)lag.TotalMilliseconds
            : throw new ArgumentOutOfRangeException(nameof(lagOf), "A lag is not negative."));
    }

    /// <summary>
    /// For the payment last computed: how long before it the card's profile last reached its store (the newest other
    /// store's payment delivered, arriving its lag after it was paid), as the agent would read it from the time of the
    /// last profile it received; null when none ever reached the store.
    /// </summary>
    public long? ProfileAgeMs { get; private set; }

    /// <summary>Stores that have seen a payment.</summary>
    public int StoreCount => _stores.Count;

    /// <summary>Distinct cards across the fleet.</summary>
    public int CardCount => _cards.Count;

    /// <summary>Other stores' payments fed into a store's card history, in all.</summary>
    public long Delivered { get; private set; }

    /// <summary>
    /// Writes the features of <paramref name="payment"/> as its store's agent computes them (its store is the event's
    /// <see cref="PaymentEvent.StoreId"/>), then adds the payment to that store's state and to the fleet's.
    /// </summary>
    public FeatureUpdate ComputeAndApply(PaymentEvent payment, Span<float> features)
    {
        var store = StoreOf(payment.StoreId);
        var update = FeatureUpdate.Of(payment);
        ProfileAgeMs = null;
        if (_lagMsOf is { } lagOf)
        {
            CatchUp(store, update.CardToken, update.UnixMs, lagOf(store.Index, update.UnixMs));
            ProfileAgeMs = store.Arrived.TryGetValue(update.CardToken, out var arrived) ? update.UnixMs - arrived : null;
        }

        store.Extractor.ComputeAndApply(payment, features);
        ref var paid = ref CollectionsMarshal.GetValueRefOrAddDefault(_cards, update.CardToken, out _);
        paid ??= [];
        paid.Add(new Paid(store.Index, update.UnixMs, update.Amount, StableHash.Of(update.MerchantKey), update.Location));
        return update;
    }

    /// <summary>The feature state of one store's agent (empty for a store that has seen no payment).</summary>
    public FeatureState StateOf(string storeId) => StoreOf(storeId).State;

    private Store StoreOf(string storeId)
    {
        ref var store = ref CollectionsMarshal.GetValueRefOrAddDefault(_stores, storeId, out _);
        return store ??= new Store(_stores.Count - 1);
    }

    private void CatchUp(Store store, string cardToken, long nowMs, long lagMs)
    {
        if (!_cards.TryGetValue(cardToken, out var paid))
        {
            return;
        }

        ref var next = ref CollectionsMarshal.GetValueRefOrAddDefault(store.Released, cardToken, out _);
        if (next >= paid.Count || paid[next].UnixMs > nowMs - lagMs)
        {
            return;
        }

        var history = store.State.Card(cardToken);
        var oldest = nowMs - CardHistory.RetentionMs;
        ref var arrived = ref CollectionsMarshal.GetValueRefOrAddDefault(store.Arrived, cardToken, out var known);
        var latest = known ? arrived : long.MinValue;
        while (next < paid.Count && paid[next].UnixMs <= nowMs - lagMs)
        {
            var p = paid[next++];
            if (p.Store != store.Index && p.UnixMs >= oldest)
            {
                history.Add(p.UnixMs, p.Amount, p.MerchantHash, p.Location);
                Delivered++;
                latest = Math.Max(latest, p.UnixMs + lagMs);
            }
        }

        if (latest == long.MinValue)
        {
            store.Arrived.Remove(cardToken);
        }
        else
        {
            arrived = latest;
        }
    }

    private readonly record struct Paid(int Store, long UnixMs, double Amount, int MerchantHash, GeoPoint? Location);

    private sealed class Store(int index)
    {
        public int Index { get; } = index;

        public FeatureState State { get; } = new();

        public FeatureExtractor Extractor => field ??= new FeatureExtractor(State);

        /// <summary>Per card: how many of the fleet's payments of the card this store has been given the chance to see.</summary>
        public Dictionary<string, int> Released { get; } = new(StringComparer.Ordinal);

        /// <summary>Per card: when the newest other store's payment delivered here arrived (Unix ms).</summary>
        public Dictionary<string, long> Arrived { get; } = new(StringComparer.Ordinal);
    }
}
