using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Tokenization;
using EdgeAgent.Fleet.Tests.Infrastructure;

namespace EdgeAgent.Fleet.Tests;

/// <summary>
/// The stores' link and the silos' uplink over TLS, as a fleet runs them across the internet: the broker presents a
/// certificate of the fleet's authority, every client proves who it is with a certificate of the same authority, and
/// the broker's ACL takes the certificate's name as the store. The silos of <see cref="FleetLinkCluster"/> read the
/// uplink this way in every test of the collection.
/// </summary>
[Collection(FleetLinkCollection.Name)]
public sealed class FleetLinkTlsTests(FleetLinkCluster fleet)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Stores_linked_over_TLS_by_their_certificates_share_a_card_s_history_through_silos_reading_over_TLS()
    {
        var tokenizer = new CardTokenizer(FleetLinkCluster.FleetKey, "k1");
        var card = tokenizer.Tokenize("4111111111199001"u8);
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        await using var storeA = new AgentStore("store-a", fleet.Broker.TlsPort, TimeSpan.FromSeconds(5), tls: Tls("store-a"));
        await using var storeB = new AgentStore("store-b", fleet.Broker.TlsPort, TimeSpan.FromSeconds(5), tls: Tls("store-b"));
        await storeA.WaitUpAsync(Patience);
        await storeB.WaitUpAsync(Patience);

        var oracle = new FeatureExtractor(new FeatureState());
        for (var i = 0; i < 3; i++)
        {
            var payment = Payment(card, "store-a", start.AddMinutes(i), 20 + i);
            await storeA.Link.FetchAsync(card, CancellationToken.None);
            storeA.Score(payment);
            Features(oracle, payment);
            var receipt = await storeA.FlushAsync(Patience);
            Assert.Equal(1, receipt.GetValueOrDefault("accepted") + receipt.GetValueOrDefault("duplicate"));
        }

        // Store B has never seen the card: its first-sight fetch brings store A's payments, over TLS both ways.
        Assert.True(await storeB.Link.FetchAsync(card, CancellationToken.None), "store-b got no profile over TLS");
        var atB = Payment(card, "store-b", start.AddMinutes(10), 400);
        var features = storeB.Score(atB);
        Assert.Equal(Features(oracle, atB), features);
        Assert.Equal(3, storeB.State.Card(card).OtherStores.Count);
    }

    [Fact]
    public async Task A_store_whose_certificate_another_authority_signed_never_links()
    {
        var stranger = SiloCertificates.Create(Path.Combine(Path.GetTempPath(), "edgeagent-stranger-" + Guid.NewGuid().ToString("N")[..8]), "stranger-authority");
        var (certificate, key) = stranger.Issue("store-c");
        await using var forged = new AgentStore("store-c", fleet.Broker.TlsPort, TimeSpan.FromMilliseconds(200),
            tls: new StoreTls(fleet.Broker.Authority!.AuthorityFile, certificate, key));

        // What an honest store takes to link (Patience above) is seconds; the forged one is given ten and stays out.
        await Task.Delay(TimeSpan.FromSeconds(10));
        Assert.False(forged.Link.IsUp, "a store with another authority's certificate linked");
        Assert.False(await forged.Link.FetchAsync("k1.not-a-card", CancellationToken.None));
        Directory.Delete(stranger.Folder, recursive: true);
    }

    private StoreTls Tls(string store)
    {
        var (certificate, key) = fleet.Broker.Authority!.Issue(store);
        return new StoreTls(fleet.Broker.Authority.AuthorityFile, certificate, key);
    }

    private static PaymentEvent Payment(string card, string store, DateTimeOffset at, decimal amount) => new()
    {
        TransactionId = $"tls-{store}-{at.ToUnixTimeMilliseconds()}",
        StoreId = store,
        TerminalId = "t1",
        Timestamp = at,
        Amount = amount,
        Currency = "EUR",
        CardToken = card,
        Mcc = "5411",
        Channel = PaymentChannel.Pos,
        MerchantId = "merchant-" + store,
        Location = new GeoPoint(48.1, 11.5),
    };

    private static float[] Features(FeatureExtractor oracle, PaymentEvent payment)
    {
        var features = new float[FeatureSchema.Count];
        oracle.ComputeAndApply(payment, features);
        return features;
    }
}
