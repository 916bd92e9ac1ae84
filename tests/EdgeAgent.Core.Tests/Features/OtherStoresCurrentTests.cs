using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Tests.Features;

/// <summary>
/// When a store asks the fleet again for a card: with no profile, and when its own last payment of the card left the
/// card windows (the fleet pushes only to stores that paid the card within them, so the profile held may be stale).
/// </summary>
public sealed class OtherStoresCurrentTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private static PaymentEvent Payment(string card, DateTimeOffset at) => new()
    {
        TransactionId = "p" + at.ToUnixTimeMilliseconds(),
        StoreId = "s1",
        TerminalId = "t1",
        Timestamp = at,
        Amount = 12.5m,
        Currency = "EUR",
        CardToken = card,
        Mcc = "5411",
        Channel = PaymentChannel.Pos,
        MerchantId = "m1",
    };

    [Fact]
    public void A_profile_is_current_while_the_store_paid_the_card_within_the_windows_and_not_after()
    {
        var state = new FeatureState();
        var extractor = new FeatureExtractor(state);
        var features = new float[FeatureSchema.Count];
        Assert.False(state.OtherStoresCurrent("card", T0.ToUnixTimeMilliseconds()));

        // A profile of a card this store has not paid yet: not current (the fleet does not push it here).
        state.OfferOtherStores("card", [new RecentPayment(T0.AddHours(-1).ToUnixTimeMilliseconds(), 3, 7, double.NaN, double.NaN)], T0);
        Assert.False(state.OtherStoresCurrent("card", T0.ToUnixTimeMilliseconds()));

        extractor.ComputeAndApply(Payment("card", T0), features);
        Assert.True(state.OtherStoresCurrent("card", T0.AddDays(6).ToUnixTimeMilliseconds()));
        Assert.False(state.OtherStoresCurrent("card", T0.AddDays(7).ToUnixTimeMilliseconds()));

        // Another card's profile says nothing of this one, and a card without a profile is never current.
        Assert.False(state.OtherStoresCurrent("other", T0.AddMinutes(1).ToUnixTimeMilliseconds()));
        extractor.ComputeAndApply(Payment("other", T0.AddMinutes(1)), features);
        Assert.False(state.OtherStoresCurrent("other", T0.AddMinutes(2).ToUnixTimeMilliseconds()));
    }
}
