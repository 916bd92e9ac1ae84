namespace EdgeAgent.Fleet.Contracts;

/// <summary>
/// One payment of a card as a store reports it to the fleet: what the card features need and nothing more. The
/// card is named by its token (a keyed hash), never by its number.
/// </summary>
/// <param name="Schema">Shape of this record; the fleet refuses shapes it does not know rather than guess.</param>
/// <param name="CardToken">The card's token; must be the token of the profile it is sent to.</param>
/// <param name="PaymentId">The payment's id at the store, or its keyed hash: the key that makes a replay harmless.</param>
/// <param name="EventUnixMs">When the payment happened at the terminal, milliseconds since the Unix epoch.</param>
/// <param name="Amount">Amount in the event's currency.</param>
/// <param name="MerchantHash">Stable hash of the merchant id.</param>
/// <param name="Latitude">Where it happened; NaN when the terminal did not say.</param>
/// <param name="Longitude">Where it happened; NaN when the terminal did not say.</param>
[GenerateSerializer, Immutable, Alias("EdgeAgent.Fleet.CardDelta")]
public sealed record CardDelta(
    [property: Id(0)] int Schema,
    [property: Id(1)] string CardToken,
    [property: Id(2)] string PaymentId,
    [property: Id(3)] long EventUnixMs,
    [property: Id(4)] double Amount,
    [property: Id(5)] int MerchantHash,
    [property: Id(6)] double Latitude,
    [property: Id(7)] double Longitude)
{
    /// <summary>The only shape this fleet version reads.</summary>
    public const int CurrentSchema = 1;
}
